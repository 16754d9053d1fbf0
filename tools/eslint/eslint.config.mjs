// ESLint for kg's page script: the recommended rules for a browser script in plain ES5 (no build step,
// so it runs in any browser that opens the saved page). Globals the page defines are declared in the file.
import js from "@eslint/js";

export default [
  js.configs.recommended,
  {
    files: ["**/*.js"],
    languageOptions: {
      ecmaVersion: 5,
      sourceType: "script",
      globals: {
        document: "readonly", window: "readonly", location: "readonly", performance: "readonly",
      },
    },
    rules: {
      eqeqeq: "error",
      "no-implicit-globals": "error",
      "no-unused-vars": ["error", { args: "none" }],
      strict: ["error", "function"],
    },
  },
];
