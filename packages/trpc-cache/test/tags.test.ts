import { describe, expect, expectTypeOf, it } from 'vitest';
import { assertDeclared, defineTag, UndeclaredTagError } from '../src/tags';

describe('defineTag', () => {
  const agent = defineTag('agent:{agentId}');
  const lists = defineTag('marketplace:lists');
  const pair = defineTag('user:{userId}:kind:{kind}');

  it('is the builder, the pattern and the matcher of one tag', () => {
    expect(agent(12)).toBe('agent:12');
    expect(lists()).toBe('marketplace:lists');
    expect(pair({ userId: 3, kind: 'x' })).toBe('user:3:kind:x');
    expect(agent.pattern).toBe('agent:{agentId}');
    expect(agent.matches('agent:12')).toBe(true);
    expect(agent.matches('agent:12:installs')).toBe(false);
  });

  it('types its arguments from the pattern', () => {
    expectTypeOf(lists).parameters.toEqualTypeOf<[]>();
    expectTypeOf(agent).parameters.toEqualTypeOf<[value: string | number]>();
    expectTypeOf(pair).parameter(0).toEqualTypeOf<Record<'userId' | 'kind', string | number>>();
  });

  it('refuses a produced tag its declaration does not cover', () => {
    expect(() => assertDeclared('p', ['agent:1'], [agent])).not.toThrow();
    expect(() => assertDeclared('p', ['agent:1:installs'], [agent])).toThrow(UndeclaredTagError);
  });
});
