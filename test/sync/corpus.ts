import { seeded } from "../seeded.ts";

// Synthetic secrets for the secret guard's tests: one or more per credential format the guard knows
// (secretlint's preset, the rules translated from gitleaks, idse's own), the evasions a writer could use,
// and look-alikes that must pass. Nothing here is a real credential, and no value appears in the source as
// one string: each is assembled at run time from a template (`{A:36}` = 36 random letters and digits) and
// a seeded generator, so secret scanners such as GitHub push protection have nothing to flag in this file.

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const ALNUM = UPPER + LOWER + DIGITS;

export function randomString(alphabet: string, n: number, seed: number): string {
  const next = seeded(seed);
  let out = "";
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(next() * alphabet.length)];
  // Generated secrets have mixed classes; force a digit and a letter so entropy rules see a real shape.
  if (n >= 4 && /[0-9]/.test(alphabet) && !/[0-9]/.test(out)) out = `7${out.slice(1)}`;
  if (n >= 4 && /[a-z]/i.test(alphabet) && !/[a-z]/i.test(out))
    out = `${out.slice(0, -1)}${alphabet.match(/[a-z]/i)![0]}`;
  return out;
}

const CLASSES: Record<string, string> = {
  A: ALNUM,
  a: LOWER + DIGITS,
  U: UPPER + DIGITS,
  L: UPPER + LOWER,
  l: LOWER,
  u: UPPER,
  d: DIGITS,
  h: "0123456789abcdef",
  H: "0123456789ABCDEF",
  b: `${ALNUM}+/`,
  w: `${ALNUM}-_`,
  W: `${ALNUM}_`,
  g: "abcdefgh0123456789",
  c: "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
  B: `${UPPER}234567`,
};

/** `{A:36}` → 36 random characters of class A, each placeholder with its own seed. */
export function fill(template: string, seed: number): string {
  let k = 0;
  return template.replace(/\{([A-Za-z]):(\d+)\}/g, (_, cls: string, n: string) =>
    randomString(CLASSES[cls]!, Number(n), seed * 97 + k++),
  );
}

const j = (...parts: string[]) => parts.join("");
const b64url = (s: string) => Buffer.from(s).toString("base64url");
/** A shell-style reference to a variable, `${NAME}`. */
const ref = (name: string) => `$${"{"}${name}}`;

export interface CorpusCase {
  /** The credential format (one entry per format; some formats have several cases). */
  format: string;
  /** The rule expected to report it. */
  rule: string;
  /** A document line (or lines) holding the secret. */
  text: string;
  /** The secret as the rule captures it. */
  secret: string;
  /** False where the rule reports a wider or narrower span than `secret` (a URL, a PEM block). */
  exact: boolean;
}

/**
 * [format, rule, template]: the secret is the part between « and », `{X:n}` random characters. Provider
 * prefixes are split (`"gh" + "p_"`) wherever a whole token shape would otherwise stand in the source.
 */
type Row = [string, string, string] | [string, string, string, false];
const P = (...parts: string[]) => parts.join("");

const ROWS: Row[] = [
  // secretlint's preset
  ["aws-access-key-id", "aws-access-token", P("key id «AK", "IA{B:16}»")],
  ["aws-access-key-id-sts", "aws-access-token", P("«AS", "IA{B:16}»")],
  ["aws-secret-access-key", "secretlint-aws", "AWS_SECRET_ACCESS_KEY=«{b:40}»"],
  ["github-pat", "secretlint-github", P("token «gh", "p_{A:36}»")],
  ["github-oauth", "secretlint-github", P("«gh", "o_{A:36}»")],
  ["github-user-to-server", "secretlint-github", P("«gh", "u_{A:36}»")],
  ["github-server-to-server", "secretlint-github", P("«gh", "s_{A:36}»")],
  ["github-refresh", "secretlint-github", P("«gh", "r_{A:36}»")],
  ["github-fine-grained-pat", "secretlint-github", P("«github", "_pat_{A:22}_{A:59}»")],
  ["gitlab-pat", "secretlint-gitlab", P("«gl", "pat-{A:20}»")],
  ["npm-token", "secretlint-npm", P("«np", "m_{A:36}»")],
  // secretlint's npm rule reads _authToken only in files named .npmrc; the generic rule catches it here
  ["npmrc-auth-token", "generic-secret-assignment", P("//registry.npmjs.org/:_auth", "Token=«{A:36}»")],
  ["slack-bot-token", "secretlint-slack", P("«xo", "xb-{d:11}-{d:12}-{A:24}»")],
  ["slack-user-token", "secretlint-slack", P("«xo", "xp-{d:11}-{d:12}-{d:12}-{A:32}»")],
  ["slack-app-token", "secretlint-slack", P("«xa", "pp-1-{U:11}-{d:13}-{a:64}»"), false],
  ["slack-webhook", "secretlint-slack", P("«https://hooks.slack", ".com/services/T{U:8}/B{U:8}/{A:24}»")],
  ["sendgrid", "secretlint-sendgrid", P("«S", "G.{A:22}.{A:43}»")],
  ["shopify-access-token", "secretlint-shopify", P("«shp", "at_{h:32}»")],
  ["shopify-shared-secret", "secretlint-shopify", P("«shp", "ss_{h:32}»")],
  ["shopify-custom-app", "secretlint-shopify", P("«shp", "ca_{h:32}»")],
  ["shopify-private-app", "secretlint-shopify", P("«shp", "pa_{h:32}»")],
  ["stripe-live-secret", "secretlint-stripe", P("STRIPE_KEY=«sk", "_live_{A:24}»")],
  ["stripe-test-secret", "secretlint-stripe", P("«sk", "_test_{A:24}»")],
  ["stripe-live-restricted", "secretlint-stripe", P("«rk", "_live_{A:24}»")],
  ["stripe-test-restricted", "secretlint-stripe", P("«rk", "_test_{A:24}»")],
  ["openai-project-key", "secretlint-openai", P("OPENAI_API_KEY=«sk-", "proj-{A:74}T3Blbk", "FJ{A:74}»")],
  ["openai-service-account-key", "secretlint-openai", P("«sk-", "svcacct-{A:58}T3Blbk", "FJ{A:58}»")],
  ["openai-legacy-key", "secretlint-openai", P("«sk-", "{A:20}T3Blbk", "FJ{A:20}»")],
  ["anthropic-api-key", "secretlint-anthropic", P("ANTHROPIC_API_KEY=«sk-", "ant-api03-{A:93}AA»")],
  ["groq-api-key", "secretlint-groq", P("«gs", "k_{A:52}»")],
  ["huggingface-user-token", "secretlint-huggingface", P("«h", "f_{L:34}»")],
  ["linear-api-key", "secretlint-linear", P("«lin", "_api_{A:40}»")],
  ["notion-integration-token", "secretlint-notion", P("«nt", "n_{d:11}{A:35}»")],
  ["vault-service-token", "secretlint-hashicorp-vault", P("VAULT_TOKEN=«hv", "s.{w:94}Z»")],
  ["vault-batch-token", "secretlint-hashicorp-vault", P("«hv", "b.{w:150}Z»")],
  ["vercel-personal-token", "secretlint-vercel", P("«vc", "p_{A:40}»")],
  ["databricks-token", "secretlint-databricks", P("«dap", "i{h:32}»")],
  ["docker-hub-pat", "secretlint-docker", P("docker login -p «dckr", "_pat_{A:27}»")],
  ["figma-pat", "secretlint-figma", P("«fig", "d_{A:40}»")],
  ["cloudflare-user-token", "secretlint-cloudflare", P("«cf", "ut_{A:40}{h:8}»")],
  ["tailscale-auth-key", "secretlint-tailscale", P("«tskey", "-auth-{A:12}-{A:30}»")],
  ["grafana-cloud-token", "secretlint-grafana", P("«gl", "c_{A:80}»")],
  ["grafana-service-account", "secretlint-grafana", P("«gl", "sa_{A:32}_{h:8}»")],
  [
    "postgres-url",
    "secretlint-database-connection-string",
    "DATABASE_URL=«postgres://shop:{A:16}@db.internal:5432/shop»",
  ],
  [
    "mongodb-url",
    "secretlint-database-connection-string",
    "«mongodb+srv://app:{A:16}@cluster0.mongo.net/prod»",
  ],
  ["mysql-url", "secretlint-database-connection-string", "«mysql://root:{A:14}@10.0.0.5:3306/app»"],
  [
    "basic-auth-url",
    "secretlint-basicauth",
    "git clone «https://deploy:{A:14}@git.corp.com»/shop.git",
    false,
  ],
  // translated from gitleaks
  ["1password-secret-key", "1password-secret-key", P("«A", "3-{U:6}-{U:11}-{U:5}-{U:5}-{U:5}»")],
  ["adafruit", "adafruit-api-key", "ADAFRUIT_IO_KEY = «{w:31}a»"],
  ["adobe-client-secret", "adobe-client-secret", P("«p8", "e-{a:32}»")],
  ["age-secret-key", "age-secret-key", P("«AGE-SECRET", "-KEY-1{c:58}»"), false],
  ["airtable-pat", "airtable-personnal-access-token", P("AIRTABLE_TOKEN=«pa", "t{A:14}.{h:64}»")],
  ["algolia", "algolia-api-key", "algolia_admin_key: «{a:32}»"],
  ["alibaba-access-key-id", "alibaba-access-key-id", P("«LT", "AI{a:20}»")],
  ["anthropic-admin-key", "anthropic-admin-api-key", P("«sk-", "ant-admin01-{A:93}AA»")],
  ["artifactory-api-key", "artifactory-api-key", P("«AK", "Cp{A:69}»"), false],
  ["asana-client-secret", "asana-client-secret", "ASANA_SECRET=«{a:32}»"],
  ["atlassian-api-token", "atlassian-api-token", P("«ATAT", "T3{A:186}»")],
  ["atlassian-api-token-legacy", "atlassian-api-token", "JIRA_API_TOKEN=«{a:20}{h:4}»"],
  ["azure-ad-client-secret", "azure-ad-client-secret", P("client_secret «{A:3}8Q", "~{A:34}»")],
  ["beamer", "beamer-api-token", "beamer_token = «b_{a:44}»"],
  ["bitbucket-client-secret", "bitbucket-client-secret", "BITBUCKET_SECRET=«{a:64}»"],
  ["clickhouse-cloud", "clickhouse-cloud-api-secret-key", P("«4b", "1d{A:38}»"), false],
  ["clojars", "clojars-api-token", P("«CLOJARS", "_{a:60}»"), false],
  ["cloudflare-origin-ca", "cloudflare-origin-ca-key", P("«v1", ".0-{h:24}-{h:146}»")],
  ["codecov", "codecov-access-token", "CODECOV_TOKEN=«{a:32}»"],
  ["cohere", "cohere-api-token", "CO_API_KEY=«{A:40}»"],
  ["coinbase", "coinbase-access-token", "COINBASE_KEY=«{w:63}a»"],
  ["confluent-secret", "confluent-secret-key", "confluent_secret = «{a:64}»"],
  ["contentful", "contentful-delivery-api-token", "contentful_token: «{w:42}a»"],
  ["curl-bearer", "curl-auth-header", 'curl -H "Authorization: Bearer «{A:40}»" https://api.corp.com'],
  ["datadog", "datadog-access-token", "DATADOG_APP_KEY=«{a:40}»"],
  ["defined-networking", "defined-networking-api-token", P("dnkey: «dn", "key-{a:26}-{a:52}»")],
  ["digitalocean-pat", "digitalocean-pat", P("«do", "p_v1_{h:64}»")],
  ["digitalocean-oauth", "digitalocean-access-token", P("«do", "o_v1_{h:64}»")],
  ["digitalocean-refresh", "digitalocean-refresh-token", P("«do", "r_v1_{h:64}»")],
  ["discord-bot-token", "discord-api-token", "DISCORD_TOKEN=«{h:64}»"],
  ["discord-client-secret", "discord-client-secret", "discord_client_secret = «{w:31}a»"],
  ["doppler", "doppler-api-token", P("«dp", ".pt.{a:43}»"), false],
  ["droneci", "droneci-access-token", "DRONECI_TOKEN=«{a:32}»"],
  ["dropbox-short-lived", "dropbox-short-lived-api-token", P("dropbox_token = «s", "l.{w:134}a»")],
  ["duffel", "duffel-api-token", P("«duffel", "_live_{w:42}a»"), false],
  ["dynatrace", "dynatrace-api-token", P("«dt0", "c01.{U:24}.{A:64}»"), false],
  ["easypost", "easypost-api-token", P("«EZ", "AK{A:54}»"), false],
  ["easypost-test", "easypost-test-api-token", P("«EZ", "TK{A:54}»"), false],
  ["etsy", "etsy-access-token", "ETSY_TOKEN=«{a:24}»"],
  ["facebook-secret", "facebook-secret", "facebook_app_secret: «{h:32}»"],
  ["facebook-page-token", "facebook-page-access-token", P("«EA", "AC{A:120}»")],
  ["fastly", "fastly-api-token", "FASTLY_API_TOKEN=«{w:31}a»"],
  ["finicity", "finicity-api-token", "finicity_key = «{h:32}»"],
  ["finnhub", "finnhub-access-token", "FINNHUB_TOKEN=«{a:20}»"],
  ["flickr", "flickr-access-token", "flickr_key: «{a:32}»"],
  ["flutterwave-secret", "flutterwave-secret-key", P("«FLWSECK", "_TEST-{g:32}-X»"), false],
  ["flutterwave-encryption", "flutterwave-encryption-key", P("«FLWSECK", "_TEST-{g:12}»"), false],
  ["flyio", "flyio-access-token", P("«fo", "1_{A:43}»")],
  ["frameio", "frameio-api-token", P("«fio", "-u-{A:64}»"), false],
  ["freshbooks", "freshbooks-access-token", "FRESHBOOKS_TOKEN=«{a:64}»"],
  ["gcp-api-key", "gcp-api-key", P("maps key «AI", "za{A:35}» in the client")],
  ["gitlab-cicd-job", "gitlab-cicd-job-token", P("«glc", "bt-{A:3}_{A:20}»"), false],
  ["gitlab-deploy", "gitlab-deploy-token", P("«gl", "dt-{A:20}»"), false],
  ["gitlab-feature-flag", "gitlab-feature-flag-client-token", P("«glf", "fct-{A:20}»"), false],
  ["gitlab-feed", "gitlab-feed-token", P("«gl", "ft-{A:20}»"), false],
  ["gitlab-incoming-mail", "gitlab-incoming-mail-token", P("«gli", "mt-{A:25}»"), false],
  ["gitlab-kubernetes-agent", "gitlab-kubernetes-agent-token", P("«glag", "ent-{A:50}»"), false],
  ["gitlab-oauth-secret", "gitlab-oauth-app-secret", P("«glo", "as-{A:64}»"), false],
  ["gitlab-pipeline-trigger", "gitlab-ptt", P("«glp", "tt-{h:40}»"), false],
  ["gitlab-runner-registration", "gitlab-rrt", P("«GR13", "48941{A:20}»"), false],
  ["gitlab-runner-auth", "gitlab-runner-authentication-token", P("«gl", "rt-{A:20}»"), false],
  ["gitlab-scim", "gitlab-scim-token", P("«gls", "oat-{A:20}»"), false],
  ["gitlab-session-cookie", "gitlab-session-cookie", P("«_gitlab", "_session={a:32}»"), false],
  ["gitter", "gitter-access-token", "GITTER_TOKEN=«{a:40}»"],
  ["gocardless", "gocardless-api-token", P("gocardless_token = «li", "ve_{A:40}»")],
  ["grafana-api-key", "grafana-api-key", P("«eyJrIj", "oi{A:72}»")],
  ["harness-pat", "harness-api-key", P("«pa", "t.{A:22}.{A:24}.{A:20}»"), false],
  ["terraform-cloud", "hashicorp-tf-api-token", P("«{a:14}.atl", "asv1.{a:64}»"), false],
  ["heroku-api-key", "heroku-api-key", "HEROKU_API_KEY=«{h:8}-{h:4}-{h:4}-{h:4}-{h:12}»"],
  ["heroku-api-key-v2", "heroku-api-key-v2", P("«HR", "KU-AA{A:58}»")],
  ["hubspot", "hubspot-api-key", "hubspot_api_key: «{H:8}-{H:4}-{H:4}-{H:4}-{H:12}»"],
  ["huggingface-org-token", "huggingface-organization-api-token", P("«api", "_org_{l:34}»")],
  ["infracost", "infracost-api-token", P("«ic", "o-{A:32}»")],
  ["intercom", "intercom-api-key", "INTERCOM_TOKEN=«{w:59}a»"],
  ["intra42", "intra42-client-secret", P("«s-s4t", "2ud-{h:64}»")],
  ["jfrog-identity", "jfrog-identity-token", "ARTIFACTORY_TOKEN=«{a:64}»"],
  ["jwt", "jwt", "", false],
  ["kraken", "kraken-access-token", "kraken_key = «{A:85}»"],
  ["kucoin", "kucoin-access-token", "KUCOIN_KEY=«{h:24}»"],
  ["launchdarkly", "launchdarkly-access-token", "LAUNCHDARKLY_SDK_KEY=«{w:39}a»"],
  ["linear-client-secret", "linear-client-secret", "LINEAR_CLIENT_SECRET=«{h:32}»"],
  ["linkedin-client-secret", "linkedin-client-secret", "linkedin_secret: «{a:16}»"],
  ["lob", "lob-api-key", "LOB_KEY=«live_{h:35}»"],
  ["looker-client-secret", "looker-client-secret", "looker_client_secret = «{a:24}»"],
  ["mailchimp", "mailchimp-api-key", "MAILCHIMP_API_KEY=«{h:32}-us21»"],
  ["mailgun-private", "mailgun-private-api-token", "MAILGUN_API_KEY=«key-{h:32}»"],
  ["mailgun-public", "mailgun-pub-key", "mailgun_public_key: «pubkey-{h:32}»"],
  ["mailgun-signing", "mailgun-signing-key", "MAILGUN_SIGNING_KEY=«{g:32}-{g:8}-{g:8}»"],
  ["mapbox", "mapbox-api-token", P("MAPBOX_TOKEN=«p", "k.{a:60}.{a:22}»")],
  ["mattermost", "mattermost-access-token", "MATTERMOST_TOKEN=«{a:26}»"],
  ["maxmind", "maxmind-license-key", "«{A:6}_{A:29}_mmk»"],
  ["messagebird", "messagebird-api-token", "MESSAGEBIRD_KEY=«{a:25}»"],
  [
    "microsoft-teams-webhook",
    "microsoft-teams-webhook",
    "«https://acme.webhook.office.com/webhookb2/{a:8}-{a:4}-{a:4}-{a:4}-{a:12}@{a:8}-{a:4}-{a:4}-{a:4}-{a:12}/IncomingWebhook/{a:32}/{a:8}-{a:4}-{a:4}-{a:4}-{a:12}»",
    false,
  ],
  ["netlify", "netlify-access-token", "NETLIFY_AUTH_TOKEN=«{w:42}a»"],
  ["new-relic-user-key", "new-relic-user-api-key", P("NEW_RELIC_API_KEY=«NR", "AK-{U:27}»")],
  ["new-relic-insert-key", "new-relic-insert-key", P("newrelic_insert_key: «NR", "II-{a:32}»")],
  ["new-relic-browser", "new-relic-browser-api-token", P("NEW_RELIC_BROWSER_KEY=«NR", "JS-{h:19}»")],
  ["nuget-password", "nuget-config-password", '<add key="ClearTextPassword" value="«{A:16}»" />'],
  ["nytimes", "nytimes-access-token", "NYTIMES_KEY=«{w:31}a»"],
  ["octopus-deploy", "octopus-deploy-api-key", P("«AP", "I-{U:26}»")],
  ["okta", "okta-access-token", "OKTA_TOKEN=«00{A:40}»"],
  ["openshift", "openshift-user-token", P("oc login --token=«sha", "256~{A:43}»")],
  ["perplexity", "perplexity-api-key", P("«ppl", "x-{A:48}»")],
  ["plaid-access", "plaid-api-token", "plaid_token = «access-production-{h:8}-{h:4}-{h:4}-{h:4}-{h:12}»"],
  ["planetscale-token", "planetscale-api-token", P("«pscale", "_tkn_{A:40}»")],
  ["planetscale-password", "planetscale-password", P("«pscale", "_pw_{A:40}»")],
  ["planetscale-oauth", "planetscale-oauth-token", P("«pscale", "_oauth_{A:40}»")],
  ["postman", "postman-api-token", P("«PM", "AK-{h:24}-{h:34}»")],
  ["prefect", "prefect-api-token", P("«pn", "u_{A:36}»")],
  ["pulumi", "pulumi-api-token", P("«pu", "l-{h:40}»")],
  ["pypi", "pypi-upload-token", P("password = «pypi", "-AgEIcHlwaS5vcmc{w:70}a»"), false],
  ["rapidapi", "rapidapi-access-token", "RAPIDAPI_KEY=«{w:49}a»"],
  ["readme", "readme-api-token", P("«rd", "me_{a:70}»")],
  ["rubygems", "rubygems-api-token", P("«ruby", "gems_{h:48}»")],
  ["scalingo", "scalingo-api-token", P("«tk", "-us-{A:48}»")],
  ["sendbird", "sendbird-access-token", "SENDBIRD_TOKEN=«{h:40}»"],
  ["sendinblue", "sendinblue-api-token", P("«xkey", "sib-{h:64}-{a:16}»")],
  ["sentry-user-token", "sentry-user-token", P("«sntr", "yu_{h:64}»")],
  ["sentry-auth-token", "sentry-access-token", "SENTRY_AUTH_TOKEN=«{h:64}»"],
  ["settlemint", "settlemint-personal-access-token", P("«sm", "_pat_{A:16}»")],
  ["shippo", "shippo-api-token", P("«shippo", "_live_{h:40}»")],
  ["slack-config-refresh", "slack-config-refresh-token", P("«xo", "xe-1-{U:146}»"), false],
  ["slack-legacy-workspace", "slack-legacy-workspace-token", P("«xo", "xr-{A:40}»"), false],
  ["snyk", "snyk-api-token", "SNYK_TOKEN=«{h:8}-{h:4}-{h:4}-{h:4}-{h:12}»"],
  ["sonarqube", "sonar-api-token", P("SONAR_TOKEN=«sq", "p_{h:40}»")],
  ["sourcegraph", "sourcegraph-access-token", P("«sg", "p_{h:16}_{h:40}»")],
  ["square-access-token", "square-access-token", P("SQUARE_ACCESS_TOKEN=«EA", "AA{w:59}a»")],
  ["square-oauth", "square-access-token", P("«sq0", "atp-{w:21}a»")],
  ["squarespace", "squarespace-access-token", "SQUARESPACE_KEY=«{h:8}-{h:4}-{h:4}-{h:4}-{h:12}»"],
  ["stripe-prod-key", "stripe-access-token", P("«sk", "_prod_{A:24}»")],
  ["sumologic", "sumologic-access-token", "SUMO_ACCESS_KEY=«{a:64}»"],
  ["telegram", "telegram-bot-api-token", P("TELEGRAM_BOT_TOKEN=«{d:10}:A", "A{w:32}a»")],
  ["travis", "travisci-access-token", "TRAVIS_TOKEN=«{a:22}»"],
  ["twilio-api-key", "twilio-api-key", P("TWILIO_API_KEY=«S", "K{h:32}»"), false],
  ["twitch", "twitch-api-token", "TWITCH_CLIENT_SECRET=«{a:30}»"],
  ["twitter-access-token", "twitter-access-token", "TWITTER_ACCESS_TOKEN=«{d:19}-{A:30}»"],
  ["twitter-api-secret", "twitter-api-secret", "TWITTER_API_SECRET=«{a:50}»"],
  ["typeform", "typeform-api-token", P("TYPEFORM_TOKEN=«tf", "p_{a:59}»")],
  ["yandex-api-key", "yandex-api-key", P("YANDEX_KEY=«AQ", "VN{A:36}»")],
  ["zendesk", "zendesk-secret-key", "ZENDESK_API_TOKEN=«{a:40}»"],
  // idse's own
  ["private-key-rsa", "secretlint-privatekey", "", false],
  ["private-key-without-end", "private-key", "", false],
  ["aws-secret-in-prose", "aws-secret-access-key", "AWS Secret Access Key: «{b:40}»"],
  [
    "azure-storage-key",
    "azure-storage-key",
    "DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=«{b:86}==»;EndpointSuffix=core.windows.net",
  ],
  [
    "azure-sas",
    "azure-sas-token",
    "https://shop.blob.core.windows.net/c?sv=2022-11-02&ss=b&sp=r&se=2030-01-01&sig=«{b:43}%3D»",
  ],
  ["stripe-webhook-secret", "stripe-webhook-secret", P("STRIPE_WEBHOOK_SECRET=«wh", "sec_{A:32}»")],
  ["discord-webhook", "discord-webhook-url", P("https://discord.com/api/webhooks/{d:18}/«{w:67}a»")],
  ["google-oauth-client-secret", "google-oauth-client-secret", P("«GOC", "SPX-{A:28}»")],
  ["twilio-auth-token", "twilio-auth-token", "TWILIO_AUTH_TOKEN=«{h:32}»"],
  ["redis-password-url", "url-password", "REDIS_URL=redis://:«{A:16}»@cache.internal:6379/0"],
  ["amqp-password-url", "url-password", "amqp://orders:«{A:18}»@mq.internal:5672/"],
  ["yaml-block-scalar", "yaml-block-secret", "db:\n  password: |\n    «{A:24}»\n"],
  ["table-cell", "table-secret-cell", "| name | value |\n| --- | --- |\n| admin password | «{A:12}-{d:3}» |"],
  ["password-in-prose", "secret-in-prose", "For the demo, the admin password is «{A:10}!{d:2}» (rotate it)."],
  ["generic-password", "generic-secret-assignment", "DB_PASSWORD=«{A:20}»"],
  ["generic-client-secret", "generic-secret-assignment", '"client_secret": "«{A:32}»",'],
];

export function secretCorpus(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  ROWS.forEach(([format, rule, template, exact], i) => {
    const filled = special(format, i) ?? fill(template, i + 1);
    const start = filled.indexOf("«");
    const end = filled.indexOf("»");
    const secret = filled.slice(start + 1, end);
    cases.push({ format, rule, secret, text: filled.replace(/[«»]/g, ""), exact: exact !== false });
  });
  return cases;
}

/** Formats whose shape a template cannot say: a JWT, PEM blocks. */
function special(format: string, seed: number): string | undefined {
  const pem = (kind: string, end: boolean) => {
    const body = [0, 1, 2].map((i) => `MII${randomString(`${ALNUM}+/`, 61, seed * 7 + i)}`).join("\n");
    return j(
      "-----BEGIN ",
      kind,
      "PRIVATE KEY-----\n",
      body,
      end ? j("\n-----END ", kind, "PRIVATE KEY-----") : "",
    );
  };
  if (format === "jwt") {
    const token = j(
      b64url('{"alg":"RS256","typ":"JWT"}'),
      ".",
      b64url(`{"sub":"${randomString(DIGITS, 10, seed)}","name":"Ana","scope":"admin"}`),
      ".",
      randomString(`${ALNUM}-_`, 43, seed + 1),
    );
    return `Authorization header: «${token}»`;
  }
  if (format === "private-key-rsa") return `Deploy key:\n\n«${pem("RSA ", true)}»\n`;
  if (format === "private-key-without-end") {
    const block = pem("", false);
    const first = block.split("\n")[1]!.slice(0, 64);
    return `key:\n${block.replace(first, `«${first}»`)}\n\n(the rest was cut)`;
  }
  return undefined;
}

/** Text that looks a little like a secret but is not one: the guard must stay quiet on all of it. */
export function lookAlikes(): string[] {
  return [
    j("-----BEGIN ", "PUBLIC KEY-----\nMIIBIjANBgkqh\n-----END PUBLIC KEY-----"),
    "Store the private key in the vault, never in the repository.",
    j("-----BEGIN RSA PRIVATE", " KEY-----\n...\n-----END RSA PRIVATE KEY-----"),
    j("Example from the AWS docs: AK", "IAIOSFODNN7", "EXAMPLE"),
    j("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY", "EXAMPLEKEY"),
    j("AI", "za prefix marks Google API keys"),
    "AccountKey=<your-key>",
    j("Tokens start with gh", "p_ and are 40 characters long."),
    j("GITHUB_TOKEN=gh", "p_", "x".repeat(36)),
    j("gh", "p_", "0".repeat(36)),
    j("gl", "pat-xxxx is a placeholder"),
    j("xo", "xb-your-bot-token-here"),
    "Post to https://hooks.slack.com/services/... when the build fails.",
    j("pk", "_live_", "51HqLyjWDarjtT1zdp7dc (publishable keys are public)"),
    "Run npm_config_registry=… npm install",
    j("//registry.npmjs.org/:_auth", "Token=", ref("NPM_TOKEN")),
    j("ey", "J is how a JSON object starts in base64"),
    // jwt.io's sample token
    j(
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
      ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
      ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    ),
    "postgres://user:password@localhost:5432/app",
    j("https://deploy:", ref("DEPLOY_TOKEN"), "@git.example.com/shop.git"),
    "redis://:<password>@cache:6379",
    "password: [REQUIRES INPUT]",
    "password: ********",
    "DB_PASSWORD=xxxxxxxxxxxx",
    "token = process.env.GITHUB_TOKEN",
    "secret: rotateMonthlyViaVaultPolicy",
    "DB_PASSWORD=changeme12345",
    j("api_key: ", ref("API_KEY_FROM_VAULT_2024")),
    "OPENAI_API_KEY=your-api-key-here",
    "ANTHROPIC_API_KEY=<token>",
    "STRIPE_KEY={{ secrets.STRIPE_KEY }}",
    "token: abc12345",
    "The session token (NFR-2) expires after 15 minutes.",
    "The admin password is stored in the team vault and rotated every 90 days.",
    "The password is required; the token is valid for 3600 seconds.",
    "| field | type |\n| --- | --- |\n| password | string (min 12 chars) |\n| api_key | string |",
    "| rule | value |\n| --- | --- |\n| password | min-12-chars |\n| token | rotate_every_90d |",
    "The secret is well-known, and the token is single-use.",
    "password: |\n  Read from the environment at start-up.\n",
  ];
}

/** `*`, `+` and `{n,}` outside character classes, escapes skipped. */
export function unboundedQuantifiers(source: string): string[] {
  const found: string[] = [];
  let cls = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      i++;
      continue;
    }
    if (cls) {
      if (c === "]") cls = false;
      continue;
    }
    if (c === "[") {
      cls = true;
      if (source[i + 1] === "^") i++;
      if (source[i + 1] === "]") i++;
    } else if (c === "*" || c === "+") found.push(`${c} at ${i}`);
    else if (c === "{" && /^\{\d+,\}/.test(source.slice(i))) found.push(`{n,} at ${i}`);
  }
  return found;
}

/**
 * `size` characters built to make a backtracking scanner work: one long base64url line (half the
 * document), then lines that start like secrets and stop short: provider prefixes with too few
 * characters, assignments to secret-looking names with short values, PEM headers with no body, URLs
 * with a user but no password, JWT-like heads.
 */
export function adversarial(size: number): string {
  const half = Math.floor(size / 2);
  const line = randomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", half, 42);
  const near = [
    ["gh", "p_abc123"],
    ["sk-", "ant-api03-short"],
    ["AK", "IA12345"],
    ["password = ", "abc"],
    ["-----BEGIN", " PRIVATE KEY----- none"],
    ["https://user", "@host.example"],
    ["ey", "Jhbc.eyJ"],
    ["xo", "xb-1-2"],
    ["| password |", " |"],
    ["aws_secret_access_key", " =  "],
    ["api_key: ", "short"],
    ["token is ", "valid"],
    ["mailgun key-", "12"],
    ["redis://", ":@"],
    ["sig=", "abc"],
    ["dop_", "v1_12"],
    ["ATAT", "T3x"],
  ].map((p) => p.join(""));
  const out: string[] = [line];
  let length = line.length;
  for (let i = 0; length < size; i++) {
    const l = `${near[i % near.length]} ${i}`;
    out.push(l);
    length += l.length + 1;
  }
  return out.join("\n").slice(0, size);
}
