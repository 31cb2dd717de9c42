// Type-only: the WebAssembly names the public types mention, for consumers whose TypeScript
// lib has no WebAssembly namespace (lib ES20xx with @types/node and no DOM). Empty interfaces
// merge with lib.dom / lib.webworker where those are present, changing nothing there.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace WebAssembly {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Module {}
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Memory {}
  }
}
export {};
