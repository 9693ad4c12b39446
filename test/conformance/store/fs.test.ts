import { join } from "node:path";
import { createFilesystemStore } from "../../../src/store/fs.ts";
import { tempDir } from "../../helpers.ts";
import { storeConformance } from "./suite.ts";

storeConformance({
  name: "filesystem",
  open: async () => createFilesystemStore(join(tempDir(), ".idse")),
  reopen: async (store) => createFilesystemStore(store.location),
});
