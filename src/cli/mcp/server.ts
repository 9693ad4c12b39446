import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import * as v from "valibot";
import { type Diagnostic, IdseError, toDiagnostic } from "../../errors.ts";
import { VERSION } from "../../version.ts";
import { failure, formatDiagnostic } from "../output.ts";
import type { McpEnv } from "./context.ts";
import { PROMPTS, promptText } from "./prompts.ts";
import {
  keyOf,
  listResources,
  parseUri,
  ResourceNotFound,
  readResource,
  STAGE_TEMPLATE,
} from "./resources.ts";
import { toolList } from "./schemas.ts";
import { TOOLS } from "./tools.ts";
import { resourceWatcher } from "./watch.ts";

// `idse mcp`'s server, on the official SDK's low-level Server: tools, resources and prompts are listed
// from our own tables, with JSON Schemas emitted from the valibot models (src/cli/mcp/schemas.ts), so no
// second schema language sits between the models and the wire. A failed call is a tool result with
// isError and the diagnostic as text, and no structuredContent (a client checks structuredContent against
// the outputSchema, which describes success only).

export interface ServerOptions {
  /** --agent: the agent this server serves; else the name the client declares at initialize. */
  agent?: string;
  log?: (line: string) => void;
  /** Called once the server closed (the transport ended or close() was called). */
  onclose?: () => void;
}

const NO_VALIDATION: jsonSchemaValidator = {
  getValidator() {
    throw new Error("idse mcp validates no JSON Schema at run time");
  },
};

const text = (t: string) => ({ type: "text" as const, text: t });

export function errorResult(err: unknown): CallToolResult {
  const diagnostics: Diagnostic[] =
    err instanceof IdseError ? [toDiagnostic(err), ...err.details] : failure(err).diagnostics;
  return { isError: true, content: [text(diagnostics.map(formatDiagnostic).join("\n"))] };
}

function usage(reason: string): IdseError {
  return new IdseError("USAGE", { reason });
}

export function createServer(env: McpEnv, o: ServerOptions = {}): Server {
  const server = new Server(
    { name: "idse", title: "IDSE Developer Orchestrator", version: VERSION },
    {
      capabilities: {
        tools: {},
        resources: { subscribe: true },
        prompts: {},
      },
      // The server validates no JSON Schema at run time (it never elicits), so the SDK's default Ajv
      // instance, about 10 ms of start-up to build, is replaced by one that is never asked.
      jsonSchemaValidator: NO_VALIDATION,
      instructions:
        "idse governs this repository's design documents (intent → context → spec → plan → tasks → " +
        "implementation → feedback). Call `next` to learn which stage is due and its handoff, read upstream " +
        "documents with `artifact_read`, write yours with `artifact_write`, then `validate`. What you may " +
        "write follows your agent's mode in the agent registry.",
    },
  );
  const agent = () => o.agent ?? server.getClientVersion()?.name;
  const watcher = resourceWatcher(env.workspace, (uri) => {
    server.sendResourceUpdated({ uri }).catch(() => {});
  });
  server.onclose = () => {
    watcher.close();
    o.onclose?.();
  };

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: toolList() }));

  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const tool = TOOLS.find((t) => t.name === req.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `unknown tool "${req.params.name}"`);
    try {
      const input = v.safeParse(tool.input, req.params.arguments ?? {});
      if (!input.success) {
        const issue = input.issues[0];
        const at = issue.path?.map((p) => String(p.key)).join(".");
        throw usage(`${tool.name}: ${at ? `${at}: ` : ""}${issue.message}`);
      }
      const { data, diagnostics } = await tool.run(env, input.output, agent());
      // The outputSchema is the model: the result is parsed with it, so what is sent always conforms.
      const out = v.safeParse(tool.output, data);
      if (!out.success) {
        throw new IdseError("INTERNAL", {
          reason: `${tool.name} result does not match its model: ${out.issues[0].message}`,
        });
      }
      const notes = diagnostics.length ? [text(diagnostics.map(formatDiagnostic).join("\n"))] : [];
      return {
        content: [text(JSON.stringify(out.output)), ...notes],
        structuredContent: out.output as Record<string, unknown>,
      };
    } catch (err) {
      if (!(err instanceof IdseError))
        o.log?.(`idse mcp: ${tool.name}: ${(err as Error)?.stack ?? String(err)}\n`);
      return errorResult(err);
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: await listResources(env) }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: [
      {
        uriTemplate: STAGE_TEMPLATE,
        name: "stage-document",
        title: "Stage document",
        description:
          "One stage document of a session: stage is intent, context, spec, plan, tasks, implementation or feedback.",
        mimeType: "text/markdown",
      },
    ],
  }));
  server.setRequestHandler(ReadResourceRequestSchema, async (req) => {
    try {
      const { text: body, mimeType } = await readResource(env, req.params.uri);
      return { contents: [{ uri: req.params.uri, mimeType, text: body }] };
    } catch (err) {
      // -32002: the code the MCP specification gives a resource that is not found.
      if (err instanceof ResourceNotFound) throw new McpError(-32002, err.message, { uri: req.params.uri });
      if (err instanceof IdseError) throw new McpError(-32002, err.message, toDiagnostic(err));
      throw err;
    }
  });
  server.setRequestHandler(SubscribeRequestSchema, (req) => {
    const r = parseUri(req.params.uri);
    if (!r) throw new McpError(-32002, `no resource ${req.params.uri}`, { uri: req.params.uri });
    watcher.subscribe(req.params.uri, keyOf(r));
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, (req) => {
    watcher.unsubscribe(req.params.uri);
    return {};
  });

  server.setRequestHandler(ListPromptsRequestSchema, () => ({
    prompts: PROMPTS.map(({ name, title, description, arguments: args }) => ({
      name,
      title,
      description,
      arguments: args,
    })),
  }));
  server.setRequestHandler(GetPromptRequestSchema, async (req) => {
    const def = PROMPTS.find((p) => p.name === req.params.name);
    if (!def) throw new McpError(ErrorCode.InvalidParams, `unknown prompt "${req.params.name}"`);
    try {
      const body = await promptText(env, def, req.params.arguments ?? {});
      return { description: def.description, messages: [{ role: "user" as const, content: text(body) }] };
    } catch (err) {
      if (err instanceof IdseError) {
        throw new McpError(ErrorCode.InvalidParams, formatDiagnostic(toDiagnostic(err)), toDiagnostic(err));
      }
      throw err;
    }
  });
  return server;
}
