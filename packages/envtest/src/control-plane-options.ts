/** Options of {@link ControlPlane.start}. Every field is optional; the defaults suit a test suite. */
export interface ControlPlaneOptions {
  /**
   * The directory holding etcd, kube-apiserver and (for `nodes > 0`) kube-controller-manager, kube-scheduler and
   * kwok. Default: `$SPOKE_ASSETS`, else `$KUBEBUILDER_ASSETS` (setup-envtest's layout: enough for `nodes: 0`),
   * else the user cache `~/.cache/spoke/control-plane/<versions>` where `spoke envtest use` builds them.
   */
  readonly assetsDir?: string;
  /**
   * How many fake nodes kwok manages. Default `0`: etcd and kube-apiserver only, the fastest start, for testing
   * API behaviour (no controllers run: no garbage collection, no Pods from Deployments). With `nodes > 0`,
   * kube-controller-manager, kube-scheduler and kwok also run, and `start()` resolves once the nodes are Ready.
   */
  readonly nodes?: number;
  /**
   * CRD manifests to install before `start()` resolves: files or folders (their .yaml, .yml and .json files, not
   * recursively), multi-document YAML allowed, relative to `process.cwd()`. Default: none.
   */
  readonly crdPaths?: readonly string[];
  /**
   * How long each startup step (a component becoming ready, the nodes becoming Ready, CRDs becoming Established)
   * may take before `start()` fails with that component's log tail. Default `60_000` ms: a cold page cache and a
   * busy two-core machine can make kube-apiserver take half of that.
   */
  readonly startTimeoutMs?: number;
  /**
   * Extra kube-apiserver flags, by name without the leading `--`, replacing a default of the same name
   * (e.g. `{ 'feature-gates': 'SomeGate=true', v: '4' }`). Default: none.
   */
  readonly apiServerFlags?: Readonly<Record<string, string>>;
  /**
   * An audit policy (`audit.k8s.io/v1` `Policy`, as YAML or JSON text, or as an object): kube-apiserver then writes
   * an audit event (user, user agent, verb, object, response code, timestamps) for each request the policy selects,
   * as JSON lines, to {@link auditLogPath}. Synchronously (`--audit-log-mode=blocking`): an event is on disk before
   * the request is answered, so a SIGKILL of kube-apiserver loses none. Never rotated. Default: no auditing.
   */
  readonly auditPolicy?: string | Readonly<Record<string, unknown>>;
  /**
   * Where the audit events go (with {@link auditPolicy}); a restarted kube-apiserver appends to it. Default
   * `<dir>/logs/audit.log`, which `stop()` removes with the rest: name a file outside to keep it.
   */
  readonly auditLogPath?: string;
  /** Webhooks served by the test process: see {@link WebhookInstallOptions}. Default none. */
  readonly webhookInstallOptions?: WebhookInstallOptions;
}

/** Options of {@link ControlPlane.restartApiServer}. */
export interface RestartApiServerOptions {
  /**
   * How kube-apiserver is stopped: `SIGTERM` (default: a graceful stop, as in a rolling restart, in-flight requests
   * drained) or `SIGKILL` (a crash: connections reset, requests in flight get no answer).
   */
  readonly signal?: 'SIGTERM' | 'SIGKILL';
}

/** A user of the test cluster, authenticated by a client certificate that the test CA signs. */
export interface UserIdentity {
  /** The user name (the certificate's CN), as RoleBindings name it in `subjects[].name`. */
  readonly name: string;
  /** The groups (the certificate's O entries); `system:authenticated` is added by the API server. Default: none. */
  readonly groups?: readonly string[];
}

/** A running component of the control plane. */
export interface ComponentInfo {
  /** `etcd`, `kube-apiserver`, `kube-controller-manager`, `kube-scheduler` or `kwok`. */
  readonly name: string;
  readonly pid: number;
  /** Its combined stdout and stderr. */
  readonly logPath: string;
}

/**
 * Webhooks for the test process to serve, as controller-runtime's envtest `WebhookInstallOptions`: `start()` issues a
 * serving certificate for `localServingHost` signed by the test CA, points every webhook configuration and every CRD
 * with a webhook conversion at `https://<localServingHost>:<localServingPort>`, and installs them, so the real
 * kube-apiserver calls the test's webhook server over loopback.
 */
export interface WebhookInstallOptions {
  /**
   * Files or folders (their .yaml, .yml and .json files, not recursively) holding MutatingWebhookConfiguration and
   * ValidatingWebhookConfiguration manifests, e.g. `config/webhook`; other kinds are skipped. Default: none.
   */
  readonly paths?: readonly string[];
  /** MutatingWebhookConfiguration objects to install besides those in `paths`. */
  readonly mutatingWebhooks?: readonly object[];
  /** ValidatingWebhookConfiguration objects to install besides those in `paths`. */
  readonly validatingWebhooks?: readonly object[];
  /** The host the test's webhook server listens on and the API server calls. Default `127.0.0.1`. */
  readonly localServingHost?: string;
  /** Its port. Default a free one. */
  readonly localServingPort?: number;
}

/** Where the test's webhook server must serve, as {@link ControlPlane.webhookInstallOptions} reports it. */
export interface InstalledWebhookOptions {
  readonly localServingHost: string;
  readonly localServingPort: number;
  /** Holds `tls.crt` and `tls.key`: the serving certificate the API server trusts (the test CA signed it). */
  readonly localServingCertDir: string;
  /** The CA (PEM) the webhook configurations name in `caBundle`. */
  readonly caBundle: string;
  /** The names of the webhook configurations installed. */
  readonly mutatingWebhookConfigurations: readonly string[];
  readonly validatingWebhookConfigurations: readonly string[];
}
