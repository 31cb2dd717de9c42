// Type-only: global names the public types mention, for consumers whose TypeScript lib lacks
// them (lib ES20xx with @types/node and no DOM; TypeScript before 5.7 or a lib without
// esnext.float16). Empty interfaces merge with the full declarations where those are present,
// changing nothing there; where absent, the names resolve instead of failing to compile.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace WebAssembly {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Module {}
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Memory {}
  }
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
  interface Float16Array<TArrayBuffer extends ArrayBufferLike = ArrayBufferLike> {}
}
export {};
