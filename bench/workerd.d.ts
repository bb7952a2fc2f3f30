// The npm `workerd` package ships no types: its default export is the path of the prebuilt binary.
declare module 'workerd' {
  const binaryPath: string;
  export default binaryPath;
}
