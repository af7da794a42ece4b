import { describe, expect, it } from 'vitest';
import { categorySchema, INT4_MAX, idSchema, isStorableText, text, workspaceRoleSchema } from '../src';

describe('idSchema', () => {
  it('accepts every id an integer column can hold and refuses the rest with a readable message', () => {
    expect(idSchema.parse(1)).toBe(1);
    expect(idSchema.parse(INT4_MAX)).toBe(INT4_MAX);
    for (const bad of [0, -1, 1.5, INT4_MAX + 1, 2 ** 53 - 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const result = idSchema.safeParse(bad);
      expect(result.success, String(bad)).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/id/);
    }
  });
});

describe('text()', () => {
  it('refuses NUL anywhere and lone surrogates, keeps every other character', () => {
    for (const bad of ['\u0000', 'a\u0000', '\u0000b', 'a\u0000b', '\uD800', 'x\uDC00', '\uDC00\uD800']) {
      expect(isStorableText(bad), JSON.stringify(bad)).toBe(false);
      expect(text().safeParse(bad).success).toBe(false);
    }
    for (const good of ['', 'plain', '%_\\', 'emoji 😀', '\uD83D\uDE00', 'tab\tline\n', 'ünïcødé']) {
      expect(isStorableText(good), JSON.stringify(good)).toBe(true);
    }
    expect(text().trim().max(3).parse('  ab  ')).toBe('ab');
  });
});

describe('enums', () => {
  it('lists the allowed values in the error', () => {
    expect(categorySchema.safeParse('nope').error?.issues[0]?.message).toMatch(/coding/);
    expect(workspaceRoleSchema.safeParse('ADMIN').error?.issues[0]?.message).toMatch(/OWNER, MEMBER/);
  });
});
