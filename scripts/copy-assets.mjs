// Copies the pinned npm assets into static/vendor/, where Django's staticfiles serves them.
// static/vendor/ is build output (git-ignored); `make assets` runs this after `npm ci`.
import { cpSync, mkdirSync, rmSync } from "node:fs";

const files = {
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
  "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
  "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
  "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
  "bootstrap-icons/font/fonts": "bootstrap-icons/fonts",
  "chart.js/dist/chart.umd.min.js": "chart.js/chart.umd.min.js",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
};

rmSync("static/vendor", { recursive: true, force: true });
for (const [from, to] of Object.entries(files)) {
  const target = `static/vendor/${to}`;
  mkdirSync(target.substring(0, target.lastIndexOf("/")), { recursive: true });
  cpSync(`node_modules/${from}`, target, { recursive: true });
}
console.log(`copied ${Object.keys(files).length} assets into static/vendor/`);
