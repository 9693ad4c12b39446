import { join } from "node:path";

// The user's own idse config directory, outside every repository: credentials, workspace trust and
// personal remotes live there. $XDG_CONFIG_HOME/idse, else %APPDATA%\idse on Windows, else ~/.config/idse.

export function userConfigFile(env: Record<string, string | undefined>, home: string, name: string): string {
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, "idse", name);
  if (process.platform === "win32" && env.APPDATA) return join(env.APPDATA, "idse", name);
  return join(home, ".config", "idse", name);
}
