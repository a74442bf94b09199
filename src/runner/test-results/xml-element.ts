import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * One element of a parsed XML document. Child elements are arrays keyed by
 * their local name (namespace prefixes removed), attributes are keyed `@_name`,
 * and mixed text is under `#text`. A leaf element without attributes is a string.
 */
export type XmlElement = string | { [key: string]: unknown };

/** A parsed XML document: the local name of its root element and the root itself. */
export interface XmlDocument {
  rootName: string;
  root: XmlElement;
}

/** A file that is not well-formed XML, with the 1-based position the parser stopped at. */
export interface XmlSyntaxProblem {
  message: string;
  line: number;
  column: number;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Every element becomes an array so that one child and many children read the same way.
  isArray: (_name: string, _path: unknown, _isLeaf: boolean, isAttribute: boolean) => !isAttribute,
});

/**
 * Parses XML text into a document, or returns the syntax problem that made it
 * unreadable. A document with no root element is reported as a problem too.
 */
export function parseXmlDocument(text: string): XmlDocument | XmlSyntaxProblem {
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    // The parser ends its messages with a full stop; callers append '; hint'.
    return { message: validation.err.msg.replace(/\.$/, ''), line: validation.err.line, column: validation.err.col };
  }

  const parsed = parser.parse(text) as Record<string, unknown>;
  const rootName = Object.keys(parsed).find((key) => !key.startsWith('#') && !key.startsWith('?'));
  if (rootName === undefined) return { message: 'the file has no root element', line: 1, column: 1 };

  const roots = parsed[rootName] as XmlElement[];
  return { rootName, root: roots[0] ?? '' };
}

/** Tells a parsed document from a syntax problem. */
export function isXmlSyntaxProblem(value: XmlDocument | XmlSyntaxProblem): value is XmlSyntaxProblem {
  return 'message' in value;
}

/** Returns the child elements of `element` with the local name `name`, in document order. */
export function childElements(element: XmlElement, name: string): XmlElement[] {
  if (typeof element === 'string') return [];
  const value = element[name];
  return Array.isArray(value) ? (value as XmlElement[]) : [];
}

/** Returns the first child element named `name`, if there is one. */
export function firstChild(element: XmlElement, name: string): XmlElement | undefined {
  return childElements(element, name)[0];
}

/** Returns the value of attribute `name`, or undefined when the element does not have it. */
export function attribute(element: XmlElement, name: string): string | undefined {
  if (typeof element === 'string') return undefined;
  const value = element[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

/** Returns the text content of an element (CDATA included), or an empty string. */
export function elementText(element: XmlElement | undefined): string {
  if (element === undefined) return '';
  if (typeof element === 'string') return element;
  const text = element['#text'];
  return typeof text === 'string' ? text : '';
}

/** Returns the text of the first child named `name`, trimmed, or undefined when it is missing or empty. */
export function childText(element: XmlElement, name: string): string | undefined {
  const child = firstChild(element, name);
  if (child === undefined) return undefined;
  const text = elementText(child).trim();
  return text === '' ? undefined : text;
}

/** Parses a decimal attribute such as `time="1,234.5"`; returns undefined for a missing or invalid value. */
export function parseDecimal(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value.replace(/,/g, '').trim());
  return value.trim() === '' || !Number.isFinite(number) ? undefined : number;
}
