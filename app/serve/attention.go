package serve

import (
	"net/http"

	"github.com/flashdeck/flashdeck/app/attention"
)

// attentionList serves GET /api/v1/attention: what needs someone now,
// ranked (app/attention), as the desktop's Overview shows it: for the
// wall and for Grafana's JSON data sources. Without a tracker (a server
// built without a collector) the list is empty, never an error: "nothing
// known to need you" is what a reader can act on.
func (s *Server) attentionList(w http.ResponseWriter, _ *http.Request) {
	var l attention.List
	if s.opt.Attention != nil {
		l = s.opt.Attention()
	}
	if l.Items == nil {
		l.Items = []attention.Item{}
	}
	if l.Counts == nil {
		l.Counts = map[string]int{}
		for _, k := range attention.Kinds {
			l.Counts[k] = 0
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, l)
}
