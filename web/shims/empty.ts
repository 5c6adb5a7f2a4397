// `fs` and `zlib` for yauzl in the page's bundle: never called (web/shims/README.md).
export {};
