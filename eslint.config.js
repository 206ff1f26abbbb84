// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules", "data", "dist", "bench/results", "coverage", ".tmp", ".scratch", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-console": "off",
    },
  },
  {
    // Type-aware checks where a mistake is silent at run time: a promise in a
    // template literal ("/media/[object Promise]") or one nobody awaits.
    files: ["src/**/*.ts", "src/**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        {
          allowNumber: true,
          allowBoolean: true,
          allowNullish: true,
          allowAny: true,
          allowNever: true,
          // Escaped markup from the html`` tag: its toString is the point.
          allow: [
            { from: "file", name: "SafeHtml", path: "src/site/html.ts" },
            { from: "lib", name: ["URLSearchParams", "URL"] },
          ],
        },
      ],
      "@typescript-eslint/no-floating-promises": "error",
    },
  },
);
