// pdf-parse's index runs a debug harness when loaded without a parent module; tests import its library file.
declare module 'pdf-parse/lib/pdf-parse.js' {
  import pdf from 'pdf-parse';
  export default pdf;
}
