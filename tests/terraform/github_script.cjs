// Runs an actions/github-script `script:` as the action does (an async function of
// github, context, core and require), against a stand-in of the REST API that keeps
// comments and issues in a JSON file between runs, and refuses what GitHub refuses (a
// body over 65,536 characters: HTTP 422). Workflow runs and pull requests are what the
// runner (actions.py) recorded there; lists come newest first, as the API's do.
//   node github_script.cjs STATE_FILE SCRIPT_FILE ISSUE_NUMBER
"use strict";
const fs = require("fs");

const [stateFile, scriptFile, issueNumber] = process.argv.slice(2);
const state = fs.existsSync(stateFile)
  ? JSON.parse(fs.readFileSync(stateFile, "utf8"))
  : { next: 1, comments: [], issues: [] };
const bot = { login: "github-actions[bot]", type: "Bot" };
// every call counted with gh.sh's: the workflow's token may make 1,000 an hour per
// repository (actions.py, MAX_REST_CALLS_PER_HOUR)
const callsFile = require("path").join(require("path").dirname(stateFile), "rest-calls.log");
function counted(name, method) {
  return async (parameters) => {
    const made = fs.existsSync(callsFile)
      ? fs.readFileSync(callsFile, "utf8").split("\n").filter(Boolean).length : 0;
    if (made >= 1000) {
      throw Object.assign(new Error("API rate limit exceeded for installation."), { status: 403 });
    }
    fs.appendFileSync(callsFile, `${name}\n`);
    return method(parameters);
  };
}
function countedAll(group, methods) {
  return Object.fromEntries(
    Object.entries(methods).map(([name, method]) => [name, counted(`${group}.${name}`, method)]));
}
const MAX_BODY = 65536;

function checked(body) {
  if (typeof body === "string" && body.length > MAX_BODY) {
    const error = new Error("Validation Failed: body is too long (maximum is 65536 characters)");
    error.status = 422;
    throw error;
  }
  return body;
}

const issues = {
  listComments: async ({ issue_number }) => ({
    data: state.comments.filter((c) => c.issue_number === issue_number),
  }),
  createComment: async ({ issue_number, body }) => {
    const comment = { id: state.next++, issue_number, body: checked(body), user: bot };
    state.comments.push(comment);
    return { data: comment };
  },
  updateComment: async ({ comment_id, body }) => {
    const comment = state.comments.find((c) => c.id === comment_id);
    if (!comment) throw Object.assign(new Error("Not Found"), { status: 404 });
    comment.body = checked(body);
    return { data: comment };
  },
  listForRepo: async ({ state: wanted = "open", creator }) => ({
    data: state.issues.filter(
      (i) => (wanted === "all" || i.state === wanted) && (!creator || i.user.login === creator),
    ),
  }),
  create: async ({ title, body, labels }) => {
    const issue = { number: state.next++, title, body: checked(body), labels: labels || [],
                    state: "open", user: bot };
    state.issues.push(issue);
    return { data: issue };
  },
  update: async ({ issue_number, body, state: wanted }) => {
    const issue = state.issues.find((i) => i.number === issue_number);
    if (!issue) throw Object.assign(new Error("Not Found"), { status: 404 });
    if (body !== undefined) issue.body = checked(body);
    if (wanted !== undefined) issue.state = wanted;
    return { data: issue };
  },
};
function required(parameters, ...names) {
  for (const name of names) {
    if (parameters[name] === undefined) throw new Error(`parameter ${name} is required`);
  }
}

const actions = {
  // GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs: workflow_id is the
  // file name; status "success" is a conclusion
  listWorkflowRuns: async (parameters) => {
    required(parameters, "owner", "repo", "workflow_id");
    const { workflow_id, branch, event, status, head_sha, per_page = 30 } = parameters;
    const runs = (state.runs || [])
      .filter((r) => r.path.endsWith(`/${workflow_id}`))
      .filter((r) => (branch === undefined || r.head_branch === branch)
        && (event === undefined || r.event === event)
        && (head_sha === undefined || r.head_sha === head_sha)
        && (status === undefined || r.status === status || r.conclusion === status))
      .sort((a, b) => b.id - a.id);
    return { data: { total_count: runs.length, workflow_runs: runs.slice(0, per_page) } };
  },
};
const repos = {
  // GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls: the pull requests whose head
  // is the commit, or that were merged as it
  listPullRequestsAssociatedWithCommit: async (parameters) => {
    required(parameters, "owner", "repo", "commit_sha");
    const { commit_sha } = parameters;
    return {
      data: (state.pulls || []).filter(
        (p) => p.head.sha === commit_sha || p.merge_commit_sha === commit_sha),
    };
  },
};
const github = {
  paginate: async (method, parameters) => (await method(parameters)).data,
  rest: {
    issues: countedAll("issues", issues),
    actions: countedAll("actions", actions),
    repos: countedAll("repos", repos),
  },
};
const context = {
  repo: { owner: "acme", repo: "infra" },
  issue: { number: Number(issueNumber) },
  sha: process.env.GITHUB_SHA,
};
const core = {
  info: (text) => console.log(text),
  warning: (text) => console.log(`::warning::${text}`),
  setOutput: (name, value) => fs.appendFileSync(process.env.GITHUB_OUTPUT, `${name}=${value}\n`),
};

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
const script = fs.readFileSync(scriptFile, "utf8");
new AsyncFunction("github", "context", "core", "require", script)(github, context, core, require)
  .then(() => fs.writeFileSync(stateFile, JSON.stringify(state, null, 1)))
  .catch((error) => {
    console.error(`HttpError: ${error.message}`);
    process.exit(1);
  });
