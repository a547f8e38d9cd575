package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
)

// maxActionBody bounds the body of an action request.
const maxActionBody = 64 << 10

// actionWait is how long an action's answer may take to write: a channel's
// request and its read-back, with room to spare.
const actionWait = 3 * time.Minute

// act lets only an operator through: 401 without a valid token, 403 for a
// viewer, and 403 for everyone when no users are configured (an open,
// loopback-only collector reads but never acts).
func (s *Server) act(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.AuthRequired() {
			writeError(w, http.StatusForbidden, "actions need an operator's bearer token, and this collector has no users configured (config users)")
			return
		}
		s.read(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, _ := UserFrom(r.Context())
			if s.opt.Actions == nil {
				writeError(w, http.StatusForbidden, "this collector takes no actions")
				return
			}
			if u.Role != actions.RoleOperator {
				writeError(w, http.StatusForbidden, fmt.Sprintf("user %s is a %s: a viewer sees everything and can act on nothing", u.Name, u.Role))
				return
			}
			next.ServeHTTP(w, r)
		})).ServeHTTP(w, r)
	})
}

func actor(r *http.Request) actions.User {
	u, _ := UserFrom(r.Context())
	return actions.User{Name: u.Name, Role: u.Role}
}

// decodeBody reads a JSON body strictly: an unknown field or a wrong type
// is a 400 that names it.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxActionBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var mbe *http.MaxBytesError
		msg := "the body is not valid JSON: " + err.Error()
		switch {
		case errors.As(err, &te):
			msg = fmt.Sprintf("%s: expected %s, got %s", te.Field, te.Type, te.Value)
		case errors.As(err, &mbe):
			msg = fmt.Sprintf("the body is larger than %d bytes", maxActionBody)
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			msg = strings.TrimPrefix(err.Error(), "json: ")
		}
		writeError(w, http.StatusBadRequest, msg)
		return false
	}
	return true
}

// actionError answers an error of the actions with its status.
func actionError(w http.ResponseWriter, err error) {
	var inv *actions.InvalidError
	switch {
	case errors.As(err, &inv):
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]string{"message": inv.Error(), "field": inv.Field}})
	case errors.Is(err, actions.ErrForbidden):
		writeError(w, http.StatusForbidden, err.Error())
	case errors.Is(err, actions.ErrKeyReused):
		writeError(w, http.StatusUnprocessableEntity, err.Error())
	case errors.Is(err, actions.ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, actions.ErrBusy):
		writeError(w, http.StatusConflict, err.Error())
	default:
		writeError(w, http.StatusInternalServerError, err.Error())
	}
}

// actionPost carries out an action and answers it with its per-channel
// results. A repeated idempotency key answers the first action again.
func (s *Server) actionPost(w http.ResponseWriter, r *http.Request) {
	var req actions.Request
	if !decodeBody(w, r, &req) {
		return
	}
	// Every channel may take its timeout and a read-back after it: the
	// answer must not be cut off by the server's usual write timeout.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(actionWait))
	a, err := s.opt.Actions.Submit(r.Context(), actor(r), req)
	if err != nil {
		actionError(w, err)
		return
	}
	s.opt.Logger.Info("api action", "id", a.ID, "kind", a.Kind, "user", a.User, "status", a.Status(), "replayed", a.Replayed)
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) actionRetry(w http.ResponseWriter, r *http.Request) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(actionWait))
	a, err := s.opt.Actions.Retry(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		actionError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) actionConfirm(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Channel string `json:"channel"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	a, err := s.opt.Actions.ConfirmManual(actor(r), r.PathValue("id"), body.Channel)
	if err != nil {
		actionError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) actionGet(w http.ResponseWriter, r *http.Request) {
	if s.opt.Actions == nil {
		writeError(w, http.StatusNotFound, "no actions")
		return
	}
	a, err := s.opt.Actions.Get(r.PathValue("id"))
	if err != nil {
		actionError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// auditAnswer is the body of GET /api/v1/audit.
type auditAnswer struct {
	Count   int              `json:"count"`
	Actions []actions.Action `json:"actions"`
}

// auditList lists actions, newest first. Query parameters narrow it:
// sale, channel, kind, user, result, q (text), limit; format=csv answers
// CSV for a spreadsheet.
func (s *Server) auditList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := actions.Filter{
		Sale: q.Get("sale"), Channel: q.Get("channel"), Kind: actions.Kind(q.Get("kind")), User: q.Get("user"),
		Result: actions.Result(q.Get("result")), Text: q.Get("q"),
	}
	if f.Kind != "" && !slices.Contains(actions.Kinds, f.Kind) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("kind=%q: use pause, resume, extend, cancel_order or review_order", f.Kind))
		return
	}
	switch f.Result {
	case "", actions.Pending, actions.Applied, actions.Failed, actions.Manual, actions.Unknown:
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("result=%q: use pending, applied, failed, manual or unknown", f.Result))
		return
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("limit=%q: not a whole number of 0 or more", v))
			return
		}
		f.Limit = n
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("format=%q: use json or csv", format))
		return
	}
	out := auditAnswer{Actions: []actions.Action{}}
	if s.opt.Actions != nil {
		list, err := s.opt.Actions.List(f)
		if err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
			return
		}
		out.Actions = append(out.Actions, list...)
	}
	out.Count = len(out.Actions)
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="flashdeck-audit.csv"`)
		_ = actions.WriteCSV(w, out.Actions)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
