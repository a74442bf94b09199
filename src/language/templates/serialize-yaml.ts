import { Document, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { YamlNode, YamlScalar } from '../yaml/yaml-node.js';

/**
 * Serialises an expanded tree as readable YAML, the equivalent of Azure's
 * "Download full YAML". Numbers keep the digits they were written with (`3.10`
 * stays `3.10`), quoted strings keep their quotes, other strings are quoted
 * only where YAML needs it, and multi-line strings become literal blocks.
 */
export function serializeExpandedYaml(root: YamlNode): string {
  const document = new Document(null, { version: '1.2' });
  document.contents = toLibraryNode(root);
  return document.toString({ lineWidth: 0 });
}

function toLibraryNode(node: YamlNode): Scalar | YAMLMap | YAMLSeq {
  if (node.kind === 'scalar') return toScalar(node);

  if (node.kind === 'sequence') {
    const sequence = new YAMLSeq();
    for (const item of node.items) sequence.items.push(toLibraryNode(item));
    return sequence;
  }

  const mapping = new YAMLMap();
  for (const entry of node.entries) mapping.items.push(new Pair(toScalar(entry.key), toLibraryNode(entry.value)));
  return mapping;
}

const DECIMAL_INTEGER = /^[-+]?\d+$/;
const DECIMAL_FLOAT = /^[-+]?\d*\.(\d+)$/;

function toScalar(node: YamlScalar): Scalar {
  switch (node.tag) {
    case 'null':
      return new Scalar(null);
    case 'bool':
      return new Scalar(node.text.toLowerCase() === 'true');
    case 'int':
    case 'float':
      return numberScalar(node);
    default:
      return stringScalar(node);
  }
}

/** Keeps the written digits of a decimal number, so that `3.10` does not become `3.1`. */
function numberScalar(node: YamlScalar): Scalar {
  const value = Number(node.text);
  if (DECIMAL_INTEGER.test(node.text) && Number.isSafeInteger(value) && String(value) === node.text.replace(/^\+/, '')) return new Scalar(value);

  const fraction = DECIMAL_FLOAT.exec(node.text);
  if (fraction && Number.isFinite(value)) {
    const scalar = new Scalar(value);
    scalar.minFractionDigits = fraction[1].length;
    if (String(value).length <= node.text.length) return scalar;
  }

  // Octal, hexadecimal, exponents, leading zeros and .inf: written in the library's decimal form.
  return new Scalar(node.text.startsWith('0o') ? Number.parseInt(node.text.slice(2), 8) : value);
}

function stringScalar(node: YamlScalar): Scalar {
  const scalar = new Scalar(node.text);
  if (node.text.includes('\n')) scalar.type = Scalar.BLOCK_LITERAL;
  else if (node.style === 'single-quoted') scalar.type = Scalar.QUOTE_SINGLE;
  else if (node.style === 'double-quoted') scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}
