/** Template steps are stored as JSON; this narrows them to what the UI shows, dropping anything odd. */
export interface TemplateStep {
  /** 1-based position in the template: steps have no id of their own. */
  position: number;
  name: string;
  action: string;
  agentSlug?: string;
  config?: Record<string, string | number | boolean>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function configOf(value: unknown): Record<string, string | number | boolean> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

export function stepsOf(steps: unknown): TemplateStep[] {
  if (!Array.isArray(steps)) return [];
  return steps.flatMap((s, index): TemplateStep[] => {
    if (!isRecord(s) || typeof s.name !== 'string' || typeof s.action !== 'string') return [];
    const config = configOf(s.config);
    return [
      {
        position: index + 1,
        name: s.name,
        action: s.action,
        ...(typeof s.agentSlug === 'string' ? { agentSlug: s.agentSlug } : {}),
        ...(config ? { config } : {}),
      },
    ];
  });
}
