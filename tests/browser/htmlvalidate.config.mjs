// What "valid HTML" means for Motus's pages: html-validate's recommended
// preset, its strictest (the HTML5 content model, the WHATWG parser's errors,
// accessibility, deprecated markup, and its style rules, e.g. void elements
// written `<input ...>` without a slash, quoted attribute values). No rule is
// switched off; a rule turned off or changed here must say why.
export default {
  extends: ['html-validate:recommended'],
  elements: ['html5'],
};
