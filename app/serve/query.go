package serve

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/rules"
)

// One rule for the query string of every route, so that a client's
// mistake is never answered as if it had asked something else:
//
//   - a query string that cannot be read (url.ParseQuery fails: "%zz", a
//     ";") is a 400;
//   - a parameter the route does not take is a 400 naming it and the ones
//     it takes (a route that takes none refuses any);
//   - a parameter given twice is a 400, unless it is a list (name[] of
//     /metrics);
//   - a value the parameter cannot have is a 400 naming the parameter and
//     what it may be: the sales or channels of the configuration, the
//     states, rules, kinds…, or a whole number;
//   - an empty value is as if the parameter were not given.
//
// A path parameter that names nothing (/api/v1/actions/{id}) stays a 404:
// that is a resource, not a question.

// queryParam is a query parameter a route takes.
type queryParam struct {
	name string
	// values, when not nil, are the values it may have; noun names them
	// in a refusal ("sale": "no such sale; the configured sales are …"),
	// or "" to list them as choices ("use one of …").
	values []string
	noun   string
	// number: a whole number of 0 or more.
	number bool
	// list: it may be given more than once.
	list bool
}

// queryError is a query refused: the parameter it is about (none when
// the query cannot be read: whole) and what is wrong, in words.
type queryError struct {
	param, message string
	whole          bool
}

// checkQuery applies the rule to a raw query string for a route that
// takes params.
func checkQuery(route, raw string, params []queryParam) *queryError {
	if raw == "" {
		return nil
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return &queryError{message: "the query string cannot be read: " + clipText(err.Error()), whole: true}
	}
	for _, name := range slices.Sorted(maps.Keys(q)) {
		i := slices.IndexFunc(params, func(p queryParam) bool { return p.name == name })
		if i < 0 {
			// Echoed short and as UTF-8: a name is anything a client sends.
			echo := clipText(name)
			if len(params) == 0 {
				return &queryError{param: echo, message: fmt.Sprintf("%s takes no query parameters, got %q", route, echo)}
			}
			names := make([]string, len(params))
			for j, p := range params {
				names[j] = p.name
			}
			return &queryError{param: echo, message: fmt.Sprintf("%q is not a query parameter of %s: it takes %s", echo, route, strings.Join(names, ", "))}
		}
		p, vals := params[i], q[name]
		if len(vals) > 1 && !p.list {
			return &queryError{param: name, message: fmt.Sprintf("%s is given %d times: give it once", name, len(vals))}
		}
		for _, v := range vals {
			if msg := p.check(v); msg != "" {
				return &queryError{param: name, message: msg}
			}
		}
	}
	return nil
}

// check returns why a value is refused, or "".
func (p queryParam) check(v string) string {
	switch {
	case v == "":
		return ""
	case p.number:
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			return fmt.Sprintf("%s=%q: not a whole number of 0 or more", p.name, clipText(v))
		}
	case p.values != nil && !slices.Contains(p.values, v):
		if p.noun == "" {
			return fmt.Sprintf("%s=%q: use one of %s", p.name, clipText(v), listOf(p.values))
		}
		if len(p.values) == 0 {
			return fmt.Sprintf("%s=%q: no such %s; none is configured", p.name, clipText(v), p.noun)
		}
		return fmt.Sprintf("%s=%q: no such %s; the configured %ss are %s", p.name, clipText(v), p.noun, p.noun, listOf(p.values))
	}
	return ""
}

// listOf writes values for a refusal, at most 20 of them.
func listOf(values []string) string {
	const most = 20
	if len(values) <= most {
		return strings.Join(values, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(values[:most], ", "), len(values)-most)
}

// clipText keeps what a client sent short and printable in an answer.
func clipText(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

// query puts the rule in front of a route's handler: a refused query is a
// 400 that names the parameter. Put it inside the route's authentication
// (read, act), so that only a user learns the configured values.
func (s *Server) query(params []queryParam, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e := checkQuery(route(r), r.URL.RawQuery, params); e != nil {
			writeQueryError(w, e)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeQueryError(w http.ResponseWriter, e *queryError) {
	body := map[string]string{"message": e.message}
	if !e.whole {
		body["parameter"] = e.param
	}
	writeJSON(w, http.StatusBadRequest, map[string]any{"error": body})
}

// The query parameters of the routes that take some.

func flagsQuery(cfg *config.Config) []queryParam {
	return []queryParam{
		{name: "sale", values: saleIDs(cfg), noun: "sale"},
		{name: "channel", values: channelIDs(cfg), noun: "channel"},
		{name: "state", values: []string{rules.StateOpen, rules.StateReviewed, rules.StateCancelled}},
		{name: "rule", values: slices.Clone(rules.IDs)},
		{name: "min_score", number: true},
		{name: "limit", number: true},
	}
}

func auditQuery(cfg *config.Config) []queryParam {
	kinds := make([]string, len(actions.Kinds))
	for i, k := range actions.Kinds {
		kinds[i] = string(k)
	}
	results := []string{string(actions.Pending), string(actions.Applied), string(actions.Failed), string(actions.Manual), string(actions.Unknown)}
	return []queryParam{
		{name: "sale", values: saleIDs(cfg), noun: "sale"},
		{name: "channel", values: channelIDs(cfg), noun: "channel"},
		{name: "kind", values: kinds},
		// Any name: a desktop with no users configured acts as its login name.
		{name: "user"},
		{name: "result", values: results},
		{name: "q"},
		{name: "limit", number: true},
		{name: "format", values: []string{"json", "csv"}},
	}
}

// metricsQuery: the Prometheus handler filters by metric name with name[].
// streamQuery: deltas=1 asks the stream for deltas, every= for a slower
// pace than the default (README: Stream format).
var streamQuery = []queryParam{{name: "deltas", values: []string{"0", "1"}}, {name: "every", values: paceNames()}}

// paceNames are the values of the stream's every= (streamPaces).
func paceNames() []string {
	names := make([]string, len(streamPaces))
	for i, d := range streamPaces {
		names[i] = d.String()
	}
	return names
}

var metricsQuery = []queryParam{{name: "name[]", list: true}}

func saleIDs(cfg *config.Config) []string {
	ids := []string{}
	for _, s := range cfg.Sales {
		ids = append(ids, s.ID)
	}
	return ids
}

// channelIDs are every channel of the configuration, a closed one
// included: its history is kept under its id.
func channelIDs(cfg *config.Config) []string {
	ids := []string{}
	for _, c := range cfg.Channels {
		ids = append(ids, c.ID)
	}
	return ids
}
