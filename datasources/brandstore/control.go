package brandstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flashdeck/flashdeck/datasources"
)

// PathSales is the contract's root of sales: /v1/sales/{sale_id} reads one,
// /v1/sales/{sale_id}/pause, /resume and /extend change it.
const PathSales = "/v1/sales"

// Headers of the contract's actions.
const (
	// HeaderIdempotencyKey carries the caller's key of one intended action.
	HeaderIdempotencyKey = "Idempotency-Key"
	// HeaderReplayed is "true" on an answer that repeats the first answer
	// to the same key.
	HeaderReplayed = "Idempotent-Replayed"
)

// Limits of an action request (the contract's ActionRequest schema).
const (
	maxKeyLen    = 255
	maxReasonLen = 500
	maxActorLen  = 100
)

// Sale actions: the last segment of their path.
const (
	actPause  = "pause"
	actResume = "resume"
	actExtend = "extend"
	actCancel = "cancel"
)

var _ datasources.Controller = (*Client)(nil)

// ReadSale reads the sale with GET /v1/sales/{sale_id}: paused when its
// state is "paused", and its end. When t names SKUs, their stock readings
// (/v1/stock) come with it for the audit record; a failure of either read
// fails the whole reading, so a half reading is never taken for the sale.
func (c *Client) ReadSale(ctx context.Context, t datasources.SaleTarget) (datasources.SaleControl, error) {
	path, err := c.salePath(t.SaleID, "")
	if err != nil {
		return datasources.SaleControl{}, err
	}
	body, err := c.get(ctx, path, nil)
	if err != nil {
		return datasources.SaleControl{}, err
	}
	s, err := c.saleAnswer(path, t.SaleID, body)
	if err != nil {
		return datasources.SaleControl{}, err
	}
	out := datasources.SaleControl{Paused: s.state == datasources.SalePaused, End: s.end}
	if len(t.SKUs) > 0 {
		if out.SKUs, err = c.Stock(ctx, t.SKUs); err != nil {
			return datasources.SaleControl{}, err
		}
	}
	return out, nil
}

// PauseSale stops the sale selling: POST /v1/sales/{sale_id}/pause. A sale
// already paused is answered 200 by the store, so this is a state to reach.
func (c *Client) PauseSale(ctx context.Context, t datasources.SaleTarget, _ datasources.SaleControl, m datasources.ActionMeta) error {
	return c.saleAction(ctx, t.SaleID, actPause, m, time.Time{})
}

// ResumeSale sells again: POST /v1/sales/{sale_id}/resume. prev is not
// needed: the store remembers what the sale was before the pause.
func (c *Client) ResumeSale(ctx context.Context, t datasources.SaleTarget, _ datasources.SaleControl, m datasources.ActionMeta) error {
	return c.saleAction(ctx, t.SaleID, actResume, m, time.Time{})
}

// ExtendSale moves the sale's end to until: POST
// /v1/sales/{sale_id}/extend. until is sent rounded up to a whole second:
// stores keep at most milliseconds (some only seconds), and an end read
// back a fraction of a second before the until asked would look like an
// extension that did not take effect.
func (c *Client) ExtendSale(ctx context.Context, t datasources.SaleTarget, until time.Time, m datasources.ActionMeta) error {
	op := "POST " + PathSales + "/{sale_id}/" + actExtend
	if until.IsZero() {
		return c.refuse(op, "no until: the new end of the sale is required")
	}
	u := until.Truncate(time.Second)
	if u.Before(until) {
		u = u.Add(time.Second)
	}
	if now := c.now(); !u.After(now) {
		return c.refuse(op, fmt.Sprintf("until %s is not in the future (now %s)", u.Format(time.RFC3339), now.Format(time.RFC3339)))
	}
	return c.saleAction(ctx, t.SaleID, actExtend, m, u)
}

// CancelOrder cancels a whole order: POST /v1/orders/{order_id}/cancel. A
// cancelled order is answered 200 unchanged; a shipped one is refused
// (invalid_state, ErrRejected).
func (c *Client) CancelOrder(ctx context.Context, orderID string, m datasources.ActionMeta) error {
	path, err := c.orderPath(orderID, actCancel)
	if err != nil {
		return err
	}
	body, err := c.post(ctx, path, m, time.Time{})
	if err != nil {
		return err
	}
	if _, err := c.orderAnswer("POST "+path, orderID, body); err != nil {
		return err
	}
	return nil
}

// ReadOrder reads one order as it is now: GET /v1/orders/{order_id}.
func (c *Client) ReadOrder(ctx context.Context, orderID string) (datasources.Order, error) {
	path, err := c.orderPath(orderID, "")
	if err != nil {
		return datasources.Order{}, err
	}
	body, err := c.get(ctx, path, nil)
	if err != nil {
		return datasources.Order{}, err
	}
	return c.orderAnswer(path, orderID, body)
}

// saleAction sends one pause, resume or extend (until non-zero) and checks
// that a 200 answer is the sale.
func (c *Client) saleAction(ctx context.Context, saleID, action string, m datasources.ActionMeta, until time.Time) error {
	path, err := c.salePath(saleID, action)
	if err != nil {
		return err
	}
	body, err := c.post(ctx, path, m, until)
	if err != nil {
		return err
	}
	if _, err := c.saleAnswer("POST "+path, saleID, body); err != nil {
		return err
	}
	return nil
}

// actionRequest is the contract's ActionRequest, and ExtendRequest with
// Until.
type actionRequest struct {
	Reason string `json:"reason"`
	Actor  string `json:"actor"`
	Until  string `json:"until,omitempty"`
}

// post sends one action request, exactly once, and returns the body of a
// 200 answer (first or replayed). Anything else is a *datasources.Error
// whose kind says whether the action may have taken effect (see
// datasources.OutcomeUnknown).
func (c *Client) post(ctx context.Context, path string, m datasources.ActionMeta, until time.Time) ([]byte, error) {
	op := "POST " + path
	if err := c.checkMeta(op, m); err != nil {
		return nil, err
	}
	in := actionRequest{Reason: m.Reason, Actor: m.Actor}
	if !until.IsZero() {
		in.Until = until.Format(time.RFC3339)
	}
	payload, err := json.Marshal(in)
	if err != nil {
		// Strings only: cannot happen, but an action is not sent on a guess.
		return nil, c.refuse(op, "cannot encode the request: "+err.Error())
	}
	resp, err := c.act.R().SetContext(ctx).
		SetHeader(HeaderIdempotencyKey, m.Key).
		SetHeader("Content-Type", "application/json").
		SetBody(payload).
		Post(path)
	if err != nil {
		return nil, c.transportError(op, err)
	}
	switch s := resp.StatusCode(); {
	case s == http.StatusOK:
		return resp.Body(), nil
	case s >= 200 && s < 400:
		// Not the contract's answer. A 202 or a redirect after a POST
		// (post-redirect-get) may well follow an action that was applied,
		// so this is no refusal: the outcome is unknown.
		msg := fmt.Sprintf("answered HTTP %d instead of the contract's 200 with the result, so whether it took effect is not known", s)
		if loc := resp.Header().Get("Location"); loc != "" {
			msg += "; it redirects to " + strconv.Quote(loc) + ", which an action never follows (check BaseURL)"
		}
		return nil, c.malformed(op, c.scrub(msg))
	}
	return nil, c.actionError(op, resp.StatusCode(), resp.Header(), resp.Body())
}

// actionError maps a refused action. On top of the read side's mapping,
// two idempotency codes change meaning: request_in_progress says the first
// request with this key is still running, so its outcome is not known
// (ErrTimeout: the answer did not come in time); idempotency_key_reused
// says flashdeck sent one key with two different requests, a bug that no
// retry fixes.
func (c *Client) actionError(op string, status int, h http.Header, body []byte) *datasources.Error {
	e := c.statusError(op, status, h, body)
	switch e.Code {
	case CodeRequestInProgress:
		e.Kind = datasources.ErrTimeout
		e.Message = withStoreWords("an earlier request with this Idempotency-Key is still running at the store, "+
			"so whether the action took effect is not known yet; read it back", e.Message)
	case CodeIdempotencyKeyReused:
		e.Kind = datasources.ErrRejected
		e.Message = withStoreWords("a flashdeck bug: this Idempotency-Key was already used for a different request, "+
			"so the store refused this one", e.Message)
	}
	return e
}

// withStoreWords puts the store's own message after ours.
func withStoreWords(ours, store string) string {
	if store == "" {
		return ours
	}
	return ours + " (the store says: " + store + ")"
}

// checkMeta refuses, before anything is sent, an action the store would
// refuse for its form: no key or one that cannot travel in a header, no
// reason, or fields over the contract's lengths.
func (c *Client) checkMeta(op string, m datasources.ActionMeta) error {
	switch {
	case m.Key == "":
		return c.refuse(op, "no Idempotency-Key (a flashdeck bug: every action carries one)")
	case len(m.Key) > maxKeyLen:
		return c.refuse(op, fmt.Sprintf("Idempotency-Key of %d bytes, more than the contract's %d (a flashdeck bug)", len(m.Key), maxKeyLen))
	case !visibleASCII(m.Key):
		return c.refuse(op, "Idempotency-Key with characters other than visible ASCII (a flashdeck bug)")
	case strings.TrimSpace(m.Reason) == "":
		return c.refuse(op, "no reason: the store requires one for its audit log")
	case utf8.RuneCountInString(m.Reason) > maxReasonLen:
		return c.refuse(op, fmt.Sprintf("reason of %d characters, more than the contract's %d", utf8.RuneCountInString(m.Reason), maxReasonLen))
	case utf8.RuneCountInString(m.Actor) > maxActorLen:
		return c.refuse(op, fmt.Sprintf("actor of %d characters, more than the contract's %d", utf8.RuneCountInString(m.Actor), maxActorLen))
	}
	return nil
}

func visibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// refuse is an action or read flashdeck did not send because it is wrong
// on its face. ErrRejected: nothing reached the store, so nothing happened.
func (c *Client) refuse(op, msg string) *datasources.Error {
	return &datasources.Error{Channel: c.id, Op: op, Kind: datasources.ErrRejected, Message: "not sent: " + c.scrub(msg)}
}

// salePath is /v1/sales/{sale_id}[/action], the id escaped as one segment.
func (c *Client) salePath(id, action string) (string, error) {
	return c.resourcePath(PathSales, "sale_id", id, action)
}

// orderPath is /v1/orders/{order_id}[/action].
func (c *Client) orderPath(id, action string) (string, error) {
	return c.resourcePath(PathOrders, "order_id", id, action)
}

func (c *Client) resourcePath(root, param, id, action string) (string, error) {
	op := root + "/{" + param + "}"
	if action != "" {
		op = "POST " + op + "/" + action
	}
	switch strings.TrimSpace(id) {
	case "":
		return "", c.refuse(op, "no "+param)
	case ".", "..":
		// Escaping leaves dots alone, and a path segment of dots would
		// name another resource.
		return "", c.refuse(op, param+" "+strconv.Quote(id)+" is not an id")
	}
	p := root + "/" + url.PathEscape(id)
	if action != "" {
		p += "/" + action
	}
	return p, nil
}

// sale is a decoded Sale answer: what ReadSale and the actions rely on.
type sale struct {
	id    string
	state datasources.SaleState
	end   time.Time
}

type wireSale struct {
	ID        *string `json:"id"`
	State     *string `json:"state"`
	Start     *string `json:"start"`
	End       *string `json:"end"`
	UpdatedAt *string `json:"updated_at"`
}

// decodeSale decodes and checks a Sale answer. It is strict about what a
// read-back decides on, the state and the end: a state word the contract
// does not know is an error, not "not paused", because a read-back that
// guesses would settle a lost answer wrongly. The times it does not use
// must still be times, or the answer is not the store's.
func decodeSale(body []byte) (sale, error) {
	var w wireSale
	if err := json.Unmarshal(body, &w); err != nil {
		return sale{}, err
	}
	if w.State == nil {
		return sale{}, errors.New(`no "state": not a sale`)
	}
	s := sale{state: saleState(*w.State)}
	if s.state == datasources.SaleUnknown {
		st := *w.State
		if len(st) > 40 {
			st = st[:40] + "…"
		}
		return sale{}, fmt.Errorf("state %s is not one of the contract's", strconv.Quote(st))
	}
	if w.ID != nil {
		s.id = strings.TrimSpace(*w.ID)
	}
	if w.End == nil {
		return sale{}, errors.New(`no "end"`)
	}
	var err error
	if s.end, err = parseTime("end", *w.End); err != nil {
		return sale{}, err
	}
	if _, err := optionalTime("start", w.Start); err != nil {
		return sale{}, err
	}
	if _, err := optionalTime("updated_at", w.UpdatedAt); err != nil {
		return sale{}, err
	}
	return s, nil
}

// saleAnswer decodes a Sale answer to op and checks it is the sale asked
// for.
func (c *Client) saleAnswer(op, saleID string, body []byte) (sale, error) {
	s, err := decodeSale(body)
	if err != nil {
		return sale{}, c.malformedBody(op, err, body)
	}
	if s.id != "" && s.id != saleID {
		return sale{}, c.malformed(op, c.scrub(fmt.Sprintf("answered sale %s, not %s", strconv.Quote(s.id), strconv.Quote(saleID))))
	}
	return s, nil
}

// decodeOrder decodes one Order (GET /v1/orders/{order_id}, the answer to
// a cancel) with the same checks as an order of a page.
func decodeOrder(body []byte) (datasources.Order, error) {
	var w wireOrder
	if err := json.Unmarshal(body, &w); err != nil {
		return datasources.Order{}, err
	}
	return w.order()
}

// orderAnswer decodes an Order answer to op and checks it is the order
// asked for.
func (c *Client) orderAnswer(op, orderID string, body []byte) (datasources.Order, error) {
	o, err := decodeOrder(body)
	if err != nil {
		return datasources.Order{}, c.malformedBody(op, err, body)
	}
	if o.ID != strings.TrimSpace(orderID) {
		return datasources.Order{}, c.malformed(op, c.scrub(fmt.Sprintf("answered order %s, not %s", strconv.Quote(o.ID), strconv.Quote(orderID))))
	}
	return o, nil
}
