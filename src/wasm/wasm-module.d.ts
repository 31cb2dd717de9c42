// `import mod from './core.wasm'`: workerd (and wrangler, and Vercel's edge with ?module)
// hand a .wasm import to the program as a compiled WebAssembly.Module.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
