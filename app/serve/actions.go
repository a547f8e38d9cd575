package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
)

// maxActionBody bounds the body of an action request.
const maxActionBody = 64 << 10

// actionWait is how long an action's answer may take to write: a channel's
// request and its read-back, with room to spare.
const actionWait = 3 * time.Minute

// act lets only an operator through: 401 without a valid token, 403 for a
// viewer, and 403 for everyone when no users are configured (an open,
// loopback-only collector reads but never acts). Every refusal is logged
// with the route and, when known, the user.
func (s *Server) act(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.AuthRequired() {
			s.refused(r, http.StatusForbidden, actions.User{}, "no users configured")
			writeError(w, http.StatusForbidden, "actions need an operator's bearer token, and this collector has no users configured (config users)")
			return
		}
		u, ok := s.authenticate(r)
		if !ok {
			s.refused(r, http.StatusUnauthorized, actions.User{}, "no valid bearer token")
			w.Header().Set("WWW-Authenticate", `Bearer realm="flashdeck"`)
			writeError(w, http.StatusUnauthorized, "a valid bearer token is required")
			return
		}
		if s.opt.Actions == nil {
			s.refused(r, http.StatusForbidden, u, "this collector takes no actions")
			writeError(w, http.StatusForbidden, "this collector takes no actions")
			return
		}
		if u.Role != config.RoleOperator {
			s.refused(r, http.StatusForbidden, u, "not an operator")
			writeError(w, http.StatusForbidden, fmt.Sprintf("user %s is a %s: a viewer sees everything and can act on nothing", u.Name, u.Role))
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, u)))
	})
}

// refused logs an action attempt turned away.
func (s *Server) refused(r *http.Request, code int, u actions.User, why string) {
	args := []any{"route", route(r), "status", code, "why", why, "remote", r.RemoteAddr}
	if u.Name != "" {
		args = append(args, "user", u.Name, "role", u.Role)
	}
	if id := r.PathValue("id"); id != "" {
		args = append(args, "id", id)
	}
	s.opt.Logger.Warn("api action refused", args...)
}

// route names the route a request took ("POST /api/v1/actions/{id}/retry").
func route(r *http.Request) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	return r.Method + " " + r.URL.Path
}

// logAction writes one line for an action request carried out (or
// answered again): what, on which channels with which result, by whom,
// why, and how long it took.
func (s *Server) logAction(r *http.Request, a actions.Action, start time.Time) {
	u, _ := UserFrom(r.Context())
	results := make([]string, 0, len(a.Results))
	for _, c := range a.Results {
		r := c.Channel + "=" + string(c.Result)
		if c.Result == actions.Manual && c.ConfirmedBy != "" {
			r += "(done, confirmed by " + c.ConfirmedBy + ")"
		}
		results = append(results, r)
	}
	args := []any{
		"route", route(r), "id", a.ID, "kind", a.Kind, "sale", a.Sale,
		"channels", strings.Join(results, ","), "status", a.Status(),
		"user", u.Name, "role", u.Role, "reason", a.Reason, "replayed", a.Replayed,
		"duration", time.Since(start).Round(time.Millisecond),
	}
	if a.OrderID != "" {
		args = append(args, "order", a.OrderID)
	}
	if a.User != u.Name {
		args = append(args, "requested_by", a.User)
	}
	s.opt.Logger.Info("api action", args...)
}

// logActionError writes one line for an action request that failed.
func (s *Server) logActionError(r *http.Request, err error, start time.Time) {
	u, _ := UserFrom(r.Context())
	args := []any{"route", route(r), "user", u.Name, "role", u.Role, "error", err.Error(), "duration", time.Since(start).Round(time.Millisecond)}
	if id := r.PathValue("id"); id != "" {
		args = append(args, "id", id)
	}
	s.opt.Logger.Warn("api action failed", args...)
}

func actor(r *http.Request) actions.User {
	u, _ := UserFrom(r.Context())
	return u
}

// decodeBody reads a JSON body strictly: an unknown field or a wrong type
// is a 400 that names it.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	// The route's limitBody caps the body; this cap holds if one is missed.
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxActionBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if tooLarge(w, err) {
			return false
		}
		var te *json.UnmarshalTypeError
		msg := "the body is not valid JSON: " + err.Error()
		switch {
		case errors.As(err, &te):
			msg = fmt.Sprintf("%s: expected %s, got %s", te.Field, te.Type, te.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			msg = strings.TrimPrefix(err.Error(), "json: ")
		}
		writeError(w, http.StatusBadRequest, msg)
		return false
	}
	// One JSON value and nothing after it: a second object would be
	// silently dropped, and the sender could believe it was read.
	if tok, err := dec.Token(); err != io.EOF {
		if tooLarge(w, err) {
			return false
		}
		writeError(w, http.StatusBadRequest, fmt.Sprintf("the body holds more than one JSON value (%v after the first)", describeToken(tok, err)))
		return false
	}
	return true
}

func describeToken(tok json.Token, err error) string {
	if err != nil {
		return "invalid JSON"
	}
	return fmt.Sprintf("%v", tok)
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
	start := time.Now()
	var req actions.Request
	if !decodeBody(w, r, &req) {
		return
	}
	// Every channel may take its timeout and a read-back after it: the
	// answer must not be cut off by the server's usual write timeout.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(actionWait))
	a, err := s.opt.Actions.Submit(r.Context(), actor(r), req)
	if err != nil {
		s.logActionError(r, err, start)
		actionError(w, err)
		return
	}
	s.logAction(r, a, start)
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) actionRetry(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(actionWait))
	a, err := s.opt.Actions.Retry(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.logActionError(r, err, start)
		actionError(w, err)
		return
	}
	s.logAction(r, a, start)
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) actionConfirm(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	var body struct {
		Channel string `json:"channel"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	a, err := s.opt.Actions.ConfirmManual(actor(r), r.PathValue("id"), body.Channel)
	if err != nil {
		s.logActionError(r, err, start)
		actionError(w, err)
		return
	}
	s.logAction(r, a, start)
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

// auditList lists actions, newest first. Query parameters narrow it
// (checked by auditQuery before it runs): sale, channel, kind, user,
// result, q (text), limit; format=csv answers CSV for a spreadsheet.
func (s *Server) auditList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := actions.Filter{
		Sale: q.Get("sale"), Channel: q.Get("channel"), Kind: actions.Kind(q.Get("kind")), User: q.Get("user"),
		Result: actions.Result(q.Get("result")), Text: q.Get("q"),
	}
	f.Limit, _ = strconv.Atoi(q.Get("limit")) // a whole number of 0 or more, or empty
	format := q.Get("format")
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
