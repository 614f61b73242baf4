package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/bookcase/bookcase/data"
)

// Metrics are Prometheus's client library, client_golang: the reference implementation, whose
// collectors give the Go runtime's, the process's and database/sql's pool statistics as every
// Prometheus user knows them, with no code of ours. (VictoriaMetrics/metrics is smaller, but its
// histograms are its own "vmrange" buckets, which a plain Prometheus cannot aggregate.)

// metrics is the server's registry and the instruments the handlers feed.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(db *data.DB, log *slog.Logger) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bookcase_http_requests_total",
			Help: "HTTP requests answered, by route pattern (never the path: ids would make a series each), method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "bookcase_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
	}
	write, read := db.SQL()
	m.registry.MustRegister(
		m.requests, m.duration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(write, "write"),
		collectors.NewDBStatsCollector(read, "read"),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "bookcase_db_writes_waiting",
			Help: "Writes waiting for SQLite's single writer at this moment.",
		}, func() float64 { return float64(db.WritesWaiting()) }),
		&gauges{db: db, log: log},
	)
	return m
}

// observe counts one answered request (handlers.Config.Observe).
func (m *metrics) observe(route, method string, status int, elapsed time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(elapsed.Seconds())
}

// gauges reads the counts kept in the database when Prometheus scrapes.
type gauges struct {
	db  *data.DB
	log *slog.Logger
}

var (
	importsDesc  = prometheus.NewDesc("bookcase_imports", "Imports kept, by state.", []string{"state"}, nil)
	sessionsDesc = prometheus.NewDesc("bookcase_sessions", "Sessions not expired.", nil, nil)
)

func (g *gauges) Describe(ch chan<- *prometheus.Desc) {
	ch <- importsDesc
	ch <- sessionsDesc
}

func (g *gauges) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := g.db.Gauges(ctx)
	if err != nil {
		g.log.Warn("metrics: counting imports and sessions failed", "err", err)
		ch <- prometheus.NewInvalidMetric(importsDesc, err)
		return
	}
	for state, n := range counts.Imports {
		ch <- prometheus.MustNewConstMetric(importsDesc, prometheus.GaugeValue, float64(n), state)
	}
	ch <- prometheus.MustNewConstMetric(sessionsDesc, prometheus.GaugeValue, float64(counts.Sessions))
}

// serveMetrics serves /metrics on ln until ctx ends. It is a listener apart from the app's,
// meant for a private address: the figures are not for readers, and a scrape never waits behind
// the app's admission queue.
func serveMetrics(ctx context.Context, ln net.Listener, m *metrics, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{
		ErrorLog:            slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		MaxRequestsInFlight: 4,
		Timeout:             10 * time.Second,
	}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 15 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("the metrics listener stopped", "err", err)
	}
}
