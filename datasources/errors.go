package datasources

import (
	"errors"
	"fmt"
	"time"
)

// ErrorKind classifies a channel failure by what the engine should do about it.
type ErrorKind int

// Error kinds.
const (
	// ErrUnavailable: the channel could not be reached or answered 5xx.
	ErrUnavailable ErrorKind = iota + 1
	// ErrTimeout: no answer within the deadline.
	ErrTimeout
	// ErrRateLimited: 429, Lazada's ApiCallLimit/901 and the like. Slow down.
	ErrRateLimited
	// ErrAuth: the credentials were refused (after any refresh was tried).
	ErrAuth
	// ErrMalformed: the answer could not be decoded.
	ErrMalformed
	// ErrRejected: the channel understood and said no (its code says why).
	ErrRejected
	// ErrUnsupported: the channel has no API for this.
	ErrUnsupported
	// ErrSignature: the channel says our request signature is wrong — a bug
	// or a wrong app secret, never fixed by retrying.
	ErrSignature
	// ErrPartial: a change sent in several calls was applied by some and
	// refused by a later one; the channel is in between.
	ErrPartial
)

var kindNames = map[ErrorKind]string{
	ErrUnavailable: "unavailable",
	ErrTimeout:     "timeout",
	ErrRateLimited: "rate limited",
	ErrAuth:        "credentials refused",
	ErrMalformed:   "malformed response",
	ErrRejected:    "rejected",
	ErrUnsupported: "not supported by the channel",
	ErrSignature:   "signature refused",
	ErrPartial:     "partly applied",
}

// String names the kind in words, as shown to a manager.
func (k ErrorKind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("error kind %d", int(k))
}

// Label is the kind as a Prometheus label value (reason="rate_limited").
func (k ErrorKind) Label() string {
	switch k {
	case ErrUnavailable:
		return "unavailable"
	case ErrTimeout:
		return "timeout"
	case ErrRateLimited:
		return "rate_limited"
	case ErrAuth:
		return "auth"
	case ErrMalformed:
		return "malformed"
	case ErrRejected:
		return "rejected"
	case ErrUnsupported:
		return "unsupported"
	case ErrSignature:
		return "signature"
	case ErrPartial:
		return "partial"
	}
	return "other"
}

// Error is a channel failure that names what and where: the channel, the
// call, the kind, and the channel's own code and words.
type Error struct {
	Channel string    // channel id, e.g. "lazada-id"
	Op      string    // the API call, e.g. "/orders/get"
	Kind    ErrorKind //
	Code    string    // the channel's own error code, if any ("ApiCallLimit")
	Message string    // the channel's own words, or ours
	// RetryAfter is how long the channel asked us to wait, if it said.
	RetryAfter time.Duration
	Err        error // underlying cause, if any
}

func (e *Error) Error() string {
	s := e.Channel + ": " + e.Op + ": " + e.Kind.String()
	switch {
	case e.Code != "" && e.Message != "":
		s += " (" + e.Code + ": " + e.Message + ")"
	case e.Code != "":
		s += " (" + e.Code + ")"
	case e.Message != "":
		s += ": " + e.Message
	}
	if e.Err != nil && e.Message == "" {
		s += ": " + e.Err.Error()
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf("; retry after %s", e.RetryAfter)
	}
	return s
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the ErrorKind of err, or 0 when err is not an *Error.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

// RetryAfterOf returns the wait a channel asked for, or 0.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}
