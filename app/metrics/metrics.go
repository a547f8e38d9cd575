// Package metrics exposes the engine's figures in Prometheus format, with
// the names of DESIGN.md section 10, on a registry of flashdeck's own.
package metrics

import (
	"net/http"
	"time"

	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/datasources"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics owns the registry.
type Metrics struct {
	Registry     *prometheus.Registry
	pollDuration *prometheus.HistogramVec
	pollErrors   *prometheus.CounterVec
	freshness    *prometheus.HistogramVec
	Actions      *prometheus.CounterVec
	// Webhooks counts push messages (POST /webhooks/lazada) by channel and
	// result: see WebhookResult.
	Webhooks *prometheus.CounterVec
	// Requests times the collector's answers by route and status code
	// (flashdeck_http_request_duration_seconds): what the API's clients
	// wait for, the network and their own machines left out.
	Requests *prometheus.HistogramVec
}

// Results of a webhook, the result label of flashdeck_webhooks_total.
const (
	// WebhookAccepted: signed, read, and its order queued (or known already).
	WebhookAccepted = "accepted"
	// WebhookDropped: accepted, but the channel's queue was full: the next
	// poll brings the order.
	WebhookDropped = "dropped"
	// WebhookIgnored: signed, but not an order message, or for a market no
	// channel here serves.
	WebhookIgnored = "ignored"
	// WebhookMalformed: signed, but not a message that can be read (or
	// larger than the limit, or not sent as JSON).
	WebhookMalformed = "malformed"
	// WebhookStale: signed and read, but stamped further from this
	// server's clock than the replay window (lazada.PushWindow): refused.
	WebhookStale = "stale"
	// WebhookDuplicate: a message taken already within the replay window,
	// delivered again: acknowledged, not read again.
	WebhookDuplicate = "duplicate"
	// WebhookForged: the signature is missing or matches no channel's app.
	WebhookForged = "forged"
	// WebhookUnknownChannel is the channel label when the message cannot be
	// tied to one channel.
	WebhookUnknownChannel = "unknown"
)

// New registers flashdeck's metrics. snapshot is read at every scrape, so a
// scrape shows exactly what the screens show.
func New(snapshot func() *engine.Snapshot) *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry()}
	m.pollDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "flashdeck_channel_poll_duration_seconds",
		Help:    "Time taken by one poll of a channel (all its pages), successful or not.",
		Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30},
	}, []string{"channel"})
	m.pollErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "flashdeck_channel_poll_errors_total",
		Help: "Failed polls of a channel, by reason (unavailable, timeout, rate_limited, auth, malformed, rejected, signature).",
	}, []string{"channel", "reason"})
	m.freshness = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "flashdeck_order_freshness_seconds",
		Help: "Time from an order's creation at a channel to its first appearance in a published snapshot, for orders seen while the channel is polled live (not backfill).",
		// Fine around the poll interval (seconds), where the target is.
		Buckets: []float64{0.1, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 7.5, 10, 15, 30, 60, 120, 300},
	}, []string{"channel"})
	m.Actions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "flashdeck_actions_total",
		Help: "Sale actions per channel by result (applied, failed, manual, unknown).",
	}, []string{"kind", "channel", "result"})
	m.Webhooks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "flashdeck_webhooks_total",
		Help: "Push messages received from a channel (POST /webhooks/lazada) by result: accepted, dropped (queue full, left to the next poll), ignored (not an order message), malformed, stale (stamped outside the replay window: refused), duplicate (delivered again within it: acknowledged, not read again), forged (signature missing or wrong; channel unknown).",
	}, []string{"channel", "result"})
	m.Requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "flashdeck_http_request_duration_seconds",
		Help: "Time the collector took to answer a request (flashdeck serve), by route (the method and pattern, as GET /api/v1/snapshot) and status code, from the request read to the answer written. The stream (GET /api/v1/stream) is not timed: it lasts as long as the desktop stays.",
		// Fine below 100 ms, the war room's API target.
		Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
	}, []string{"route", "code"})
	m.Registry.MustRegister(m.pollDuration, m.pollErrors, m.freshness, m.Actions, m.Webhooks, m.Requests, &snapshotCollector{snapshot: snapshot},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// OnPoll is the engine hook that records a poll.
func (m *Metrics) OnPoll(channel string, d time.Duration, err error) {
	m.pollDuration.WithLabelValues(channel).Observe(d.Seconds())
	if err != nil {
		reason := datasources.KindOf(err).Label()
		m.pollErrors.WithLabelValues(channel, reason).Inc()
	}
}

// OnFresh is the engine hook that records the freshness of a channel's
// newly shown orders (the label is looked up once per snapshot, not per order).
func (m *Metrics) OnFresh(channel string, ds []time.Duration) {
	o := m.freshness.WithLabelValues(channel)
	for _, d := range ds {
		o.Observe(d.Seconds())
	}
}

// SetAttention exposes the attention list's counts (app/attention) as
// flashdeck_attention_items{kind}, read at every scrape; counts has every
// kind, 0 for the absent ones, so a first item shows as a rise.
func (m *Metrics) SetAttention(counts func() map[string]int) {
	m.Registry.MustRegister(&attentionCollector{counts: counts})
}

var descAttention = prometheus.NewDesc("flashdeck_attention_items",
	"Items on the attention list (what needs someone now) by kind: stalled_listing, channel, manual_step, flags_rising, selling_out. selling_out counts every listing (a SKU on a channel) selling out within 15 minutes, more than the list shows.",
	[]string{"kind"}, nil)

type attentionCollector struct{ counts func() map[string]int }

func (c *attentionCollector) Describe(ch chan<- *prometheus.Desc) { ch <- descAttention }

func (c *attentionCollector) Collect(ch chan<- prometheus.Metric) {
	for kind, n := range c.counts() {
		ch <- prometheus.MustNewConstMetric(descAttention, prometheus.GaugeValue, float64(n), kind)
	}
}

// Handler serves the exposition.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry, ErrorHandling: promhttp.ContinueOnError})
}

var (
	descSold = prometheus.NewDesc("flashdeck_sku_units_sold",
		"Units of a SKU sold on a channel in the sale (orders created in the sale window, not cancelled). Last known value while the channel fails: see flashdeck_channel_up.",
		[]string{"sale", "channel", "sku"}, nil)
	descAllocated = prometheus.NewDesc("flashdeck_sku_units_allocated",
		"Units of a SKU allocated to a channel for the sale.", []string{"sale", "channel", "sku"}, nil)
	descRemaining = prometheus.NewDesc("flashdeck_sku_units_remaining",
		"Units of a SKU left on a channel (allocated minus sold).", []string{"sale", "channel", "sku"}, nil)
	descETA = prometheus.NewDesc("flashdeck_sku_sellout_eta_seconds",
		"Seconds of sale time until a SKU sells out on a channel at its current rate (last minute, else last 5 minutes). Absent when nothing sells, it is sold out, or the sale is not live.",
		[]string{"sale", "channel", "sku"}, nil)
	descRate = prometheus.NewDesc("flashdeck_sale_units_per_minute",
		"Units sold per minute over the last minute, per sale and channel.", []string{"sale", "channel"}, nil)
	descUp = prometheus.NewDesc("flashdeck_channel_up",
		"1 when the channel answers (ok or degraded), 0 when it is down.", []string{"channel"}, nil)
	descLastSuccess = prometheus.NewDesc("flashdeck_channel_last_success_timestamp_seconds",
		"Unix time of the channel's last successful poll.", []string{"channel"}, nil)
	descStock = prometheus.NewDesc("flashdeck_sku_channel_stock",
		"Sellable units of a SKU the channel itself last reported. Absent for a channel without a stock API and before the first read.",
		[]string{"sale", "channel", "sku"}, nil)
	descStockDiff = prometheus.NewDesc("flashdeck_sku_stock_difference",
		"The channel's sellable stock of a SKU minus the units remaining of its allocation: above 0 the channel offers more than the allocation has left, below 0 fewer. Absent without a stock reading.",
		[]string{"sale", "channel", "sku"}, nil)
	descStockStatus = prometheus.NewDesc("flashdeck_sku_stock_status",
		"1 for the current judgement of a SKU's channel stock against what remains (status: ok, in_flight, oversell_risk, not_selling, short, stale, paused, unread, no_stock_api); the series of a SKU carries one status at a time. Absent once the sale has ended.",
		[]string{"sale", "channel", "sku", "status"}, nil)
	descFlagged = prometheus.NewDesc("flashdeck_flagged_orders",
		"Orders of the sale flagged by a rule on a channel, in any state (open, reviewed, cancelled). An order flagged by two rules counts under each. Every rule is exposed for every channel of the sale, 0 until it flags something, so a first burst shows as a rise.",
		[]string{"sale", "channel", "rule"}, nil)
)

type snapshotCollector struct {
	snapshot func() *engine.Snapshot
}

func (c *snapshotCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descSold, descAllocated, descRemaining, descETA, descRate, descUp, descLastSuccess, descFlagged, descStock, descStockDiff, descStockStatus} {
		ch <- d
	}
}

func (c *snapshotCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.snapshot()
	if s == nil {
		return
	}
	for _, sale := range s.Sales {
		for _, k := range sale.SKUs {
			for _, cell := range k.Channels {
				ch <- prometheus.MustNewConstMetric(descSold, prometheus.GaugeValue, float64(cell.Sold), sale.ID, cell.Channel, k.SKU)
				ch <- prometheus.MustNewConstMetric(descAllocated, prometheus.GaugeValue, float64(cell.Allocated), sale.ID, cell.Channel, k.SKU)
				ch <- prometheus.MustNewConstMetric(descRemaining, prometheus.GaugeValue, float64(cell.Remaining), sale.ID, cell.Channel, k.SKU)
				if cell.ETASellout != nil {
					ch <- prometheus.MustNewConstMetric(descETA, prometheus.GaugeValue, max(cell.ETASellout.Sub(s.At).Seconds(), 0), sale.ID, cell.Channel, k.SKU)
				}
				if cell.Stock != nil {
					ch <- prometheus.MustNewConstMetric(descStock, prometheus.GaugeValue, float64(*cell.Stock), sale.ID, cell.Channel, k.SKU)
				}
				if cell.StockDifference != nil {
					ch <- prometheus.MustNewConstMetric(descStockDiff, prometheus.GaugeValue, float64(*cell.StockDifference), sale.ID, cell.Channel, k.SKU)
				}
				if cell.StockStatus != "" {
					ch <- prometheus.MustNewConstMetric(descStockStatus, prometheus.GaugeValue, 1, sale.ID, cell.Channel, k.SKU, cell.StockStatus)
				}
			}
		}
		flagged := make(map[[2]string]int, len(sale.Flags.ByRule))
		for _, fc := range sale.Flags.ByRule {
			flagged[[2]string{fc.Channel, fc.Rule}] += fc.Count
		}
		for _, sc := range sale.Channels {
			ch <- prometheus.MustNewConstMetric(descRate, prometheus.GaugeValue, sc.Rate1m, sale.ID, sc.Channel)
			for _, rule := range rules.IDs {
				n := flagged[[2]string{sc.Channel, rule}]
				delete(flagged, [2]string{sc.Channel, rule})
				ch <- prometheus.MustNewConstMetric(descFlagged, prometheus.GaugeValue, float64(n), sale.ID, sc.Channel, rule)
			}
		}
		// A count on a channel or rule the sale does not list is still
		// exposed, never dropped.
		for k, n := range flagged {
			ch <- prometheus.MustNewConstMetric(descFlagged, prometheus.GaugeValue, float64(n), sale.ID, k[0], k[1])
		}
	}
	for _, cs := range s.Channels {
		if cs.State == engine.StateDisabled {
			continue
		}
		up := 1.0
		if cs.State == engine.StateDown {
			up = 0
		}
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, up, cs.ID)
		if !cs.LastSuccess.IsZero() {
			ch <- prometheus.MustNewConstMetric(descLastSuccess, prometheus.GaugeValue, float64(cs.LastSuccess.UnixNano())/1e9, cs.ID)
		}
	}
}
