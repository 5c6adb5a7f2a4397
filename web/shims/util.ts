// `util` for yauzl in the page's bundle: the one function it calls (web/shims/README.md), as Node
// defines it (lib/util.js `inherits`).
export function inherits(ctor: { prototype: object; super_?: unknown }, superCtor: { prototype: object }): void {
  Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}
