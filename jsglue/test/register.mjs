// Registers the resolve hook that gives Node the game's import rule.
import { register } from "node:module";
register("./hooks.mjs", import.meta.url);
