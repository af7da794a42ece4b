import { describe, expect, it } from 'vitest';
import { formatCallTags, formatInvalidation, parseCallTags, parseInvalidation } from '../src/wire';

describe('wire format', () => {
  it('round-trips tags per call, including characters a header cannot carry raw', () => {
    const header = formatCallTags([
      ['17', ['agent:1', 'templates:category:Data, AI']],
      ['18', []],
    ]);
    expect(header).toBe('17=agent:1,templates:category:Data%2C%20AI;18=');
    expect([...parseCallTags(header)]).toEqual([
      ['17', ['agent:1', 'templates:category:Data, AI']],
      ['18', []],
    ]);
    expect(formatCallTags([])).toBeNull();
  });

  it('round-trips invalidations and call ids; ignores what it cannot read', () => {
    const header = formatInvalidation({
      hard: new Set(['agent:1', 'workspace:2']),
      soft: ['marketplace:lists'],
    });
    expect(parseInvalidation(header)).toEqual({
      hard: ['agent:1', 'workspace:2'],
      soft: ['marketplace:lists'],
    });
    expect(formatInvalidation({ hard: [], soft: [] })).toBeNull();
    expect(parseInvalidation('garbage')).toBeNull();
    expect(parseInvalidation('hard=%E0%A4%A;soft=ok')).toEqual({ hard: [], soft: ['ok'] });
  });
});
