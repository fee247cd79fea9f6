/**
 * The pattern a LIKE/ILIKE argument sends, as far as the code shows it:
 * `"%abc"` → `%abc`, `f"%{q}%"` → `%{q}%`, `"%" + q + "%"` → `%{q}%`, and a
 * local variable holding one of these. Parts only known at run time appear as
 * `{expr}`; a pattern with no literal part, or none at its start, is unknown
 * (undefined): a rule never guesses what a caller passes (`q + "%"` may start
 * with a wildcard itself).
 */
import { type Node, unwrap } from './nodes';

/** What a local name was last assigned in the function (the walker's scope). */
export type ValueLookup = (name: string) => Node | undefined;

/** Variables followed through at most this many assignments (`a = b`, `b = "%" + q`). */
const MAX_HOPS = 4;

export function likePattern(node: Node | undefined, valueOf: ValueLookup): string | undefined {
  if (!node) return undefined;
  const part = patternPart(node, valueOf, 0);
  // What decides how the database can search is the start: unknown there, the pattern is unknown.
  return part?.known && !part.text.startsWith('{') ? part.text : undefined;
}

interface Part {
  text: string;
  /** Whether any literal text is in it (not only holes). */
  known: boolean;
}

function patternPart(node: Node, valueOf: ValueLookup, hops: number): Part | undefined {
  const n = unwrap(node);
  switch (n.type) {
    case 'string':
      return stringPart([n]);
    case 'concatenated_string':
      return stringPart(n.namedChildren.filter((c) => c.type === 'string'));
    case 'binary_operator': {
      if (n.childForFieldName('operator')?.text !== '+') return undefined;
      const sides = [n.childForFieldName('left'), n.childForFieldName('right')].map((side) =>
        side ? (patternPart(side, valueOf, hops) ?? hole(side.text)) : hole(''),
      );
      return { text: sides.map((s) => s.text).join(''), known: sides.some((s) => s.known) };
    }
    case 'identifier': {
      const value = hops < MAX_HOPS ? valueOf(n.text) : undefined;
      return value ? patternPart(value, valueOf, hops + 1) : undefined;
    }
    default:
      return undefined;
  }
}

function hole(text: string): Part {
  return { text: `{${text}}`, known: false };
}

/** A literal's text with `{expr}` for each f-string interpolation (format specs dropped). */
function stringPart(strings: Node[]): Part {
  let text = '';
  let known = false;
  for (const s of strings) {
    for (const c of s.namedChildren) {
      if (c.type === 'string_content' || c.type === 'escape_sequence') {
        text += c.text;
        known = true;
      } else if (c.type === 'interpolation') {
        text += `{${c.childForFieldName('expression')?.text ?? ''}}`;
      }
    }
  }
  return { text, known };
}
