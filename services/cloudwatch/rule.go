package cloudwatch

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// ruleNode is a parsed composite alarm rule: ALARM(x), OK(x),
// INSUFFICIENT_DATA(x), TRUE, FALSE, AND, OR, NOT and parentheses.
type ruleNode struct {
	op    string // "state", "const", "and", "or", "not"
	state types.StateValue
	alarm string
	val   bool
	kids  []*ruleNode
}

type ruleParser struct {
	toks []string
	i    int
}

// parseRule parses an AlarmRule.
func parseRule(s string) (*ruleNode, error) {
	toks, err := ruleTokens(s)
	if err != nil {
		return nil, err
	}
	p := &ruleParser{toks: toks}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.i != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.i])
	}
	return n, nil
}

func ruleTokens(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '(' || c == ')':
			out = append(out, string(c))
			i++
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, fmt.Errorf("unterminated quoted alarm name")
			}
			out = append(out, s[i:i+j+2])
			i += j + 2
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n()\"", rune(s[j])) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	return out, nil
}

func (p *ruleParser) next() string {
	if p.i < len(p.toks) {
		t := p.toks[p.i]
		p.i++
		return t
	}
	return ""
}

func (p *ruleParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *ruleParser) or(depth int) (*ruleNode, error) {
	if depth > 50 {
		return nil, fmt.Errorf("rule nested too deeply")
	}
	l, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), "OR") {
		p.next()
		r, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		l = &ruleNode{op: "or", kids: []*ruleNode{l, r}}
	}
	return l, nil
}

func (p *ruleParser) and(depth int) (*ruleNode, error) {
	l, err := p.not(depth)
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), "AND") {
		p.next()
		r, err := p.not(depth)
		if err != nil {
			return nil, err
		}
		l = &ruleNode{op: "and", kids: []*ruleNode{l, r}}
	}
	return l, nil
}

func (p *ruleParser) not(depth int) (*ruleNode, error) {
	if strings.EqualFold(p.peek(), "NOT") {
		p.next()
		x, err := p.not(depth + 1)
		if err != nil {
			return nil, err
		}
		return &ruleNode{op: "not", kids: []*ruleNode{x}}, nil
	}
	return p.atom(depth)
}

func (p *ruleParser) atom(depth int) (*ruleNode, error) {
	t := p.next()
	switch strings.ToUpper(t) {
	case "(":
		n, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, fmt.Errorf("missing )")
		}
		return n, nil
	case "TRUE", "FALSE":
		return &ruleNode{op: "const", val: strings.EqualFold(t, "TRUE")}, nil
	case "ALARM", "OK", "INSUFFICIENT_DATA":
		if p.next() != "(" {
			return nil, fmt.Errorf("expected ( after %s", t)
		}
		name := p.next()
		if p.next() != ")" || name == "" || name == ")" {
			return nil, fmt.Errorf("expected an alarm name in %s()", t)
		}
		name = strings.Trim(name, `"`)
		return &ruleNode{op: "state", state: types.StateValue(strings.ToUpper(t)), alarm: name}, nil
	case "":
		return nil, fmt.Errorf("unexpected end of rule")
	}
	return nil, fmt.Errorf("unexpected %q", t)
}

// alarms lists the alarm names (or ARNs) a rule references.
func (n *ruleNode) alarms() []string {
	if n.op == "state" {
		return []string{n.alarm}
	}
	var out []string
	for _, k := range n.kids {
		out = append(out, k.alarms()...)
	}
	return out
}

// eval evaluates a rule given each alarm's state.
func (n *ruleNode) eval(state func(string) types.StateValue) bool {
	switch n.op {
	case "const":
		return n.val
	case "state":
		return state(n.alarm) == n.state
	case "not":
		return !n.kids[0].eval(state)
	case "and":
		return n.kids[0].eval(state) && n.kids[1].eval(state)
	case "or":
		return n.kids[0].eval(state) || n.kids[1].eval(state)
	}
	return false
}

// alarmNameOf returns the name of an alarm referenced by name or ARN.
func alarmNameOf(ref string) string {
	if i := strings.Index(ref, ":alarm:"); strings.HasPrefix(ref, "arn:") && i >= 0 {
		return ref[i+len(":alarm:"):]
	}
	return ref
}
