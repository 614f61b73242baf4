package views

import "context"

type csrfKey struct{}

// WithCSRF returns a context whose components render the anti-forgery token in forms and in the
// page's csrf-token meta tag. Handlers set it once per request, so components need no parameter.
func WithCSRF(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, csrfKey{}, token)
}

// csrfToken is the token set by WithCSRF, or "".
func csrfToken(ctx context.Context) string {
	token, _ := ctx.Value(csrfKey{}).(string)
	return token
}
