/**
 * A tiny element builder. Every piece of text goes in as a text node and
 * every attribute through setAttribute, never through innerHTML: names,
 * user agents and error messages from the server cannot become markup.
 */

export type Child = Node | string | number | null | undefined | false;

/**
 * Attribute values; `on<event>` keys take listeners, plain or async;
 * `false`/`null`/`undefined` leave the attribute out.
 */
export type Attrs = Record<string, string | number | boolean | null | undefined | ((event: never) => void | Promise<void>)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (typeof value === 'function') {
      const listener = value as (event: Event) => void | Promise<void>;
      element.addEventListener(name.slice(2), (event) => {
        // The browser drops what a listener returns: an async listener's failure
        // would be an unhandled rejection. Report it as a thrown error would be.
        listener(event)?.catch(reportError);
      });
    } else if (value === true) {
      element.setAttribute(name, '');
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, String(value));
    }
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

let nextId = 0;
/** A document-unique id, for label/aria-describedby pairs. */
export function uid(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}
