/**
 * Template step settings in words: `timeoutSec: 30` reads "Timeout: 30 s", `retries: 0` reads
 * "Retries: none". Unknown keys are split at capitals ("maxTokens" -> "Max tokens").
 */
const UNITS: Array<[suffix: string, unit: string]> = [
  ['Sec', 's'],
  ['Seconds', 's'],
  ['Ms', 'ms'],
  ['Minutes', 'min'],
];

function words(key: string): string {
  const spaced = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

export function describeSetting(
  key: string,
  value: string | number | boolean,
): { label: string; value: string } {
  const unit = UNITS.find(([suffix]) => key.endsWith(suffix) && key.length > suffix.length);
  const label = words(unit ? key.slice(0, -unit[0].length) : key);
  if (typeof value === 'boolean') return { label, value: value ? 'yes' : 'no' };
  if (key === 'retries' && value === 0) return { label, value: 'none' };
  return { label, value: unit ? `${value} ${unit[1]}` : String(value) };
}

/** "summarize" -> "Summarize"; step actions are verbs. */
export function actionLabel(action: string): string {
  return words(action);
}
