// Spine doctrine (DESIGN.md §1): sync never edits the Product Spine on its own. A pull that would change
// the Spine table (rows, cells, or the section itself) is held back unless --accept-spine. The parser is
// the Spine primitive's own (src/spine.ts), so sync and `idse spine` read the same table.
export { isSpineDocument, spineChanged, spineTable } from "../spine.ts";
