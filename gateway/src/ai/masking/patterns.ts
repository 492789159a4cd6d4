// What the masking guardrail finds: built-in patterns (emails, phone numbers, card numbers passing the Luhn
// check) and an API's own regexes, each replaced by a named placeholder and counted.

export interface Pattern {
  name: string;
  regex: RegExp;
  replacement: string;
  /**
   * A second look at a match the regex alone cannot judge (the Luhn check, the characters around it: the
   * regexes use no lookbehind, which the safety check cannot read); false leaves it as it was.
   */
  check?(match: string, before: string, after: string): boolean;
}

export const builtinNames = ['email', 'phone', 'card'] as const;
export type BuiltinName = (typeof builtinNames)[number];

const digitsOf = (s: string) => s.replace(/\D/g, '');

/** The Luhn checksum of card numbers: filters out order numbers and other long digit runs. */
export function luhn(number: string): boolean {
  const digits = digitsOf(number);
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return digits.length >= 13 && sum % 10 === 0;
}

/** 13 to 19 digits, single spaces or dashes between groups, and the Luhn check. */
function cardLike(match: string): boolean {
  return !/[ -]{2}/.test(match) && digitsOf(match).length <= 19 && luhn(match);
}

/** 10 to 15 digits (E.164 allows 15), or from 8 with a leading +; a dotted quad is an address, not a phone. */
function phoneLike(match: string, before: string, after: string): boolean {
  if (/[\w+]/.test(before) || /\w/.test(after)) return false;
  const n = digitsOf(match).length;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(match)) return false;
  return n <= 15 && (n >= 10 || (match.startsWith('+') && n >= 8));
}

// Every repetition here is over a single character class, and none is nested: they pass the check custom
// regexes must pass (masking.test.ts).
export const builtins: Record<BuiltinName, Pattern> = {
  email: {
    name: 'email',
    regex: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/g,
    replacement: '[EMAIL]',
  },
  card: {
    name: 'card',
    regex: /\d[\d -]{11,34}\d/g,
    replacement: '[CARD]',
    check: cardLike,
  },
  phone: {
    name: 'phone',
    regex: /\+?\(?\d[\d ().-]{6,20}\d/g,
    replacement: '[PHONE]',
    check: phoneLike,
  },
};

export type Counts = Record<string, number>;

/** The text with every pattern's matches replaced, in order; `counts` gains one per replacement. */
export function maskText(text: string, patterns: readonly Pattern[], counts: Counts): string {
  let out = text;
  for (const p of patterns) {
    out = out.replace(p.regex, (match: string, ...rest: unknown[]) => {
      const at = rest[rest.length - 2] as number;
      const whole = rest[rest.length - 1] as string;
      if (p.check && !p.check(match, whole[at - 1] ?? '', whole[at + match.length] ?? '')) return match;
      counts[p.name] = (counts[p.name] ?? 0) + 1;
      return p.replacement;
    });
  }
  return out;
}
