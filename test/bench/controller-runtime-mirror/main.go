// The secret mirror of packages/manager/README.md written with controller-runtime, for `make bench`: every
// ConfigMap labelled spoke.dev/mirror=true gets an owned Secret with the same data and a Normal event. It is the Go
// twin of examples/secret-mirror, with the same semantics and settings, so the two can be compared side by side.
//
//	controller-runtime-mirror --kubeconfig FILE --metrics-bind-address 127.0.0.1:P --debug-bind-address 127.0.0.1:Q
//	    [--max-concurrent-reconciles 1]
//
// The debug endpoint is the benchmark's only addition: GET /debug/state says whether the controller's informers
// have synced and how many ConfigMaps are cached (?namespace=NS: in that namespace); GET /debug/heap forces a garbage collection and reports the live
// heap, so heap per cached object can be measured the same way in both languages.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// SecretMirrorReconciler mirrors a labelled ConfigMap into a Secret it owns.
type SecretMirrorReconciler struct {
	client.Client
	Recorder record.EventRecorder
}

// Reconcile reads the ConfigMap from the cache and creates or updates its Secret, as the Spoke tutorial does.
func (r *SecretMirrorReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var cm corev1.ConfigMap
	if err := r.Get(ctx, req.NamespacedName, &cm); err != nil {
		// Deleted: the garbage collector deletes the Secret it owned.
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if len(cm.BinaryData) > 0 {
		return ctrl.Result{}, reconcile.TerminalError(errors.New("binaryData is not supported"))
	}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: req.Namespace, Name: req.Name}}
	result, err := controllerutil.CreateOrUpdate(ctx, r.Client, secret, func() error {
		secret.Data = make(map[string][]byte, len(cm.Data))
		for k, v := range cm.Data {
			secret.Data[k] = []byte(v)
		}
		return controllerutil.SetControllerReference(&cm, secret, r.Scheme())
	})
	if err != nil {
		return ctrl.Result{}, err
	}
	if result != controllerutil.OperationResultNone {
		r.Recorder.Eventf(&cm, corev1.EventTypeNormal, "Mirrored", "%s Secret %s", result, req.Name)
		log.FromContext(ctx).Info("mirrored", "result", result)
	}
	return ctrl.Result{}, nil
}

func main() {
	// --kubeconfig is controller-runtime's own flag, read by ctrl.GetConfig.
	var metricsAddr, probeAddr, debugAddr string
	var maxConcurrent int
	flag.StringVar(&metricsAddr, "metrics-bind-address", "0", "address of /metrics; 0 disables it")
	flag.StringVar(&probeAddr, "health-probe-bind-address", "0", "address of /healthz and /readyz; 0 disables it")
	flag.StringVar(&debugAddr, "debug-bind-address", "", "address of the benchmark's /debug endpoints")
	flag.IntVar(&maxConcurrent, "max-concurrent-reconciles", 1, "reconciles running at once")
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseDevMode(false)))
	setupLog := ctrl.Log.WithName("setup")

	cfg, err := ctrl.GetConfig()
	if err != nil {
		setupLog.Error(err, "unable to load the kubeconfig")
		os.Exit(1)
	}
	// No client-side rate limit, as on the Spoke side: what is measured is the framework, not a token bucket.
	cfg.QPS = 1e6
	cfg.Burst = 1e6

	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Metrics:                metricsserver.Options{BindAddress: metricsAddr},
		HealthProbeBindAddress: probeAddr,
	})
	if err != nil {
		setupLog.Error(err, "unable to create the manager")
		os.Exit(1)
	}
	mirror := &SecretMirrorReconciler{Client: mgr.GetClient(), Recorder: mgr.GetEventRecorderFor("secret-mirror")}
	err = ctrl.NewControllerManagedBy(mgr).
		Named("secret-mirror").
		For(&corev1.ConfigMap{}, builder.WithPredicates(labelled())).
		Owns(&corev1.Secret{}).
		WithOptions(controller.Options{MaxConcurrentReconciles: maxConcurrent}).
		Complete(mirror)
	if err != nil {
		setupLog.Error(err, "unable to create the controller")
		os.Exit(1)
	}
	if debugAddr != "" {
		go serveDebug(debugAddr, mgr.GetCache())
	}
	if err := mgr.Start(ctrl.SetupSignalHandler()); err != nil {
		setupLog.Error(err, "manager stopped with an error")
		os.Exit(1)
	}
}

// labelled passes the events of ConfigMaps labelled spoke.dev/mirror=true, as the Spoke controller's labelSelector.
func labelled() predicate.Predicate {
	p, err := predicate.LabelSelectorPredicate(metav1.LabelSelector{MatchLabels: map[string]string{"spoke.dev/mirror": "true"}})
	if err != nil {
		panic(err)
	}
	return p
}

// serveDebug serves the benchmark's endpoints; it is not part of the controller.
func serveDebug(addr string, c cache.Cache) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/state", func(w http.ResponseWriter, req *http.Request) {
		synced := true
		for _, obj := range []client.Object{&corev1.ConfigMap{}, &corev1.Secret{}} {
			// The controller's own informers (one per kind in the shared cache); not blocking, not creating a new one
			// once the controller started.
			inf, err := c.GetInformer(req.Context(), obj, cache.BlockUntilSynced(false))
			if err != nil || !inf.HasSynced() {
				synced = false
			}
		}
		cached := -1
		if synced {
			var list corev1.ConfigMapList
			// No deep copy: only the count is wanted, and copying 10 000 objects would distort the heap figure.
			opts := []client.ListOption{client.UnsafeDisableDeepCopy}
			if ns := req.URL.Query().Get("namespace"); ns != "" {
				opts = append(opts, client.InNamespace(ns))
			}
			if err := c.List(req.Context(), &list, opts...); err == nil {
				cached = len(list.Items)
			}
		}
		writeJSON(w, map[string]any{"synced": synced, "cachedConfigMaps": cached})
	})
	mux.HandleFunc("/debug/heap", func(w http.ResponseWriter, _ *http.Request) {
		runtime.GC()
		debug.FreeOSMemory()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		writeJSON(w, map[string]any{"heapBytes": m.HeapAlloc})
	})
	if err := http.ListenAndServe(addr, mux); err != nil {
		fmt.Fprintln(os.Stderr, "debug server:", err)
		os.Exit(1)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
