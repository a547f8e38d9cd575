package serve

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/report"
	"github.com/flashdeck/flashdeck/app/timeline"
)

func reportQuery(cfg *config.Config) []queryParam {
	return []queryParam{{name: "sale", values: saleIDs(cfg), noun: "sale"}}
}

// report answers GET /api/v1/report?sale=ID with the sale's post-sale
// report: the HTML page flashdeck report writes, from the running engine.
// sale may be left out when the configuration has one sale.
func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	id, ok := s.saleOf(w, r)
	if !ok {
		return
	}
	src := report.Source{Engine: s.opt.Engine}
	if s.opt.Actions != nil {
		src.Actions = s.opt.Actions
	}
	rep, err := report.Build(src, id)
	if err != nil {
		writeError(w, http.StatusNotFound, err.Error())
		return
	}
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, rep); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", "flashdeck-report-"+id+".html"))
	// The page's own rules: nothing it shows comes from elsewhere.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src data:; style-src 'unsafe-inline'")
	_, _ = w.Write(buf.Bytes())
}

// timeline answers GET /api/v1/timeline?sale=ID with the sale's timeline
// (timeline.Model as JSON): what a --remote desktop draws on its Overview
// and wall. sale may be left out when the configuration has one sale.
func (s *Server) timeline(w http.ResponseWriter, r *http.Request) {
	id, ok := s.saleOf(w, r)
	if !ok {
		return
	}
	h, ok := s.opt.Engine.History(id)
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such sale: %q", id))
		return
	}
	var acts []actions.Action
	if s.opt.Actions != nil {
		var err error
		if acts, err = s.opt.Actions.List(actions.Filter{Sale: id}); err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
			return
		}
	}
	now := s.opt.Engine.Snapshot().At
	writeJSON(w, http.StatusOK, timeline.Build(timeline.Input{History: h, Now: now, Actions: acts, Flags: s.opt.Engine.Flags(id)}))
}

// saleOf is the sale a request names with ?sale=ID, or the one sale of a
// configuration with one; with several and none named, it answers 400.
func (s *Server) saleOf(w http.ResponseWriter, r *http.Request) (string, bool) {
	if id := r.URL.Query().Get("sale"); id != "" {
		return id, true
	}
	if len(s.opt.Config.Sales) != 1 {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("the configuration has %d sales: say which with ?sale=ID", len(s.opt.Config.Sales)))
		return "", false
	}
	return s.opt.Config.Sales[0].ID, true
}
