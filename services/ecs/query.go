package ecs

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Expr is a parsed expression of the ECS cluster query language, as used by
// ListContainerInstances filters and memberOf placement constraints:
//
//	attribute:ecs.instance-type == t3.micro
//	attribute:ecs.availability-zone in [us-east-1a, us-east-1b] && runningTasksCount > 1
//	not(ec2InstanceId == i-123) or attribute:gpu exists
//	task:group == service:web
type Expr interface {
	// Match reports whether a container instance satisfies the expression.
	// tasks are the tasks placed on the instance (for task:group).
	Match(ci *types.ContainerInstance, tasks ...*types.Task) bool
}

// ParseExpression parses a cluster query language expression.
func ParseExpression(s string) (Expr, error) {
	toks, err := lexQuery(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, errors.New("empty expression")
	}
	p := &queryParser{toks: toks}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.pos].text)
	}
	return e, nil
}

type qtokKind int

const (
	qWord qtokKind = iota
	qQuoted
	qSym
)

type qtok struct {
	kind qtokKind
	text string
}

const querySymbolChars = "()[],=!<>~&|"

func lexQuery(s string) ([]qtok, error) {
	var out []qtok
	for i := 0; i < len(s); {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			i++
		case ch == '\'' || ch == '"':
			j := strings.IndexByte(s[i+1:], ch)
			if j < 0 {
				return nil, errors.New("unterminated quoted value")
			}
			out = append(out, qtok{qQuoted, s[i+1 : i+1+j]})
			i += j + 2
		case strings.IndexByte("()[],", ch) >= 0:
			out = append(out, qtok{qSym, string(ch)})
			i++
		case strings.IndexByte("=!<>~&|", ch) >= 0:
			two := ""
			if i+1 < len(s) {
				two = s[i : i+2]
			}
			switch two {
			case "==", "!=", ">=", "<=", "=~", "!~", "&&", "||":
				out = append(out, qtok{qSym, two})
				i += 2
				continue
			}
			if ch == '=' || ch == '&' || ch == '|' || ch == '~' {
				return nil, fmt.Errorf("unexpected %q", string(ch))
			}
			out = append(out, qtok{qSym, string(ch)})
			i++
		default:
			j := i
			for j < len(s) && !unicode.IsSpace(rune(s[j])) && strings.IndexByte(querySymbolChars, s[j]) < 0 {
				j++
			}
			out = append(out, qtok{qWord, s[i:j]})
			i = j
		}
	}
	return out, nil
}

type queryParser struct {
	toks []qtok
	pos  int
}

func (p *queryParser) peek() *qtok {
	if p.pos < len(p.toks) {
		return &p.toks[p.pos]
	}
	return nil
}

// isKeyword matches a symbol or a case-insensitive word.
func (p *queryParser) accept(forms ...string) bool {
	t := p.peek()
	if t == nil || t.kind == qQuoted {
		return false
	}
	for _, f := range forms {
		if (t.kind == qSym && t.text == f) || (t.kind == qWord && strings.EqualFold(t.text, f)) {
			p.pos++
			return true
		}
	}
	return false
}

func (p *queryParser) or() (Expr, error) {
	left, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.accept("||", "or") {
		right, err := p.and()
		if err != nil {
			return nil, err
		}
		left = orExpr{left, right}
	}
	return left, nil
}

func (p *queryParser) and() (Expr, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.accept("&&", "and") {
		right, err := p.unary()
		if err != nil {
			return nil, err
		}
		left = andExpr{left, right}
	}
	return left, nil
}

func (p *queryParser) unary() (Expr, error) {
	if p.accept("!", "not") {
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		return notExpr{e}, nil
	}
	if p.accept("(") {
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.accept(")") {
			return nil, errors.New("missing closing parenthesis")
		}
		return e, nil
	}
	return p.comparison()
}

var querySubjects = []string{"agentConnected", "ec2InstanceId", "registeredAt", "runningTasksCount", "task:group"}

func (p *queryParser) comparison() (Expr, error) {
	t := p.peek()
	if t == nil || t.kind != qWord {
		return nil, errors.New("expected a subject")
	}
	subject := t.text
	if !strings.HasPrefix(subject, "attribute:") && !slices.Contains(querySubjects, subject) {
		return nil, fmt.Errorf("unknown subject %q", subject)
	}
	if subject == "attribute:" {
		return nil, errors.New("missing attribute name")
	}
	p.pos++
	cmp := &compareExpr{subject: subject}
	switch {
	case p.accept("==", "equals"):
		cmp.op = "=="
	case p.accept("!=", "not_equals"):
		cmp.op = "!="
	case p.accept(">=", "greater_than_equal"):
		cmp.op = ">="
	case p.accept("<=", "less_than_equal"):
		cmp.op = "<="
	case p.accept(">", "greater_than"):
		cmp.op = ">"
	case p.accept("<", "less_than"):
		cmp.op = "<"
	case p.accept("=~", "matches"):
		cmp.op = "=~"
	case p.accept("!~", "not_matches"):
		cmp.op = "!~"
	case p.accept("exists"):
		return cmp.withOp("exists"), nil
	case p.accept("not_exists"):
		return notExpr{cmp.withOp("exists")}, nil
	case p.accept("in"):
		cmp.op = "in"
	case p.accept("not_in"):
		cmp.op = "!in"
	case p.accept("!"):
		switch {
		case p.accept("exists"):
			return notExpr{cmp.withOp("exists")}, nil
		case p.accept("in"):
			cmp.op = "!in"
		default:
			return nil, errors.New("expected exists or in after !")
		}
	default:
		return nil, fmt.Errorf("expected an operator after %s", subject)
	}
	if cmp.op == "in" || cmp.op == "!in" {
		list, err := p.list()
		if err != nil {
			return nil, err
		}
		cmp.values = list
		return cmp, nil
	}
	v := p.peek()
	if v == nil || v.kind == qSym {
		return nil, fmt.Errorf("expected a value after %s %s", subject, cmp.op)
	}
	p.pos++
	cmp.values = []string{v.text}
	if cmp.op == "=~" || cmp.op == "!~" {
		re, err := regexp.Compile("^(?:" + v.text + ")$")
		if err != nil {
			return nil, fmt.Errorf("invalid pattern %q", v.text)
		}
		cmp.re = re
	}
	if subject == "registeredAt" {
		at, err := parseQueryTime(v.text)
		if err != nil {
			return nil, err
		}
		cmp.at = at
	}
	if subject == "runningTasksCount" {
		if _, err := strconv.ParseFloat(v.text, 64); err != nil {
			return nil, fmt.Errorf("runningTasksCount needs a number, not %q", v.text)
		}
	}
	return cmp, nil
}

func (p *queryParser) list() ([]string, error) {
	if !p.accept("[") {
		return nil, errors.New("expected [ after in")
	}
	var out []string
	for {
		v := p.peek()
		if v == nil || v.kind == qSym {
			return nil, errors.New("expected a value in the list")
		}
		p.pos++
		out = append(out, v.text)
		if p.accept("]") {
			return out, nil
		}
		if !p.accept(",") {
			return nil, errors.New("expected , or ] in the list")
		}
	}
}

func parseQueryTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid date %q", s)
}

type andExpr struct{ l, r Expr }

func (e andExpr) Match(ci *types.ContainerInstance, tasks ...*types.Task) bool {
	return e.l.Match(ci, tasks...) && e.r.Match(ci, tasks...)
}

type orExpr struct{ l, r Expr }

func (e orExpr) Match(ci *types.ContainerInstance, tasks ...*types.Task) bool {
	return e.l.Match(ci, tasks...) || e.r.Match(ci, tasks...)
}

type notExpr struct{ e Expr }

func (e notExpr) Match(ci *types.ContainerInstance, tasks ...*types.Task) bool {
	return !e.e.Match(ci, tasks...)
}

type compareExpr struct {
	subject string
	op      string
	values  []string
	re      *regexp.Regexp
	at      time.Time
}

func (c *compareExpr) withOp(op string) *compareExpr { c.op = op; return c }

// subjectValues returns the values a subject has on an instance (none when absent).
func (c *compareExpr) subjectValues(ci *types.ContainerInstance, tasks []*types.Task) []string {
	switch {
	case strings.HasPrefix(c.subject, "attribute:"):
		name := strings.TrimPrefix(c.subject, "attribute:")
		for _, a := range ci.Attributes {
			if aws.ToString(a.Name) == name {
				v := aws.ToString(a.Value)
				return []string{v}
			}
		}
		return nil
	case c.subject == "ec2InstanceId":
		if ci.Ec2InstanceId == nil {
			return nil
		}
		return []string{*ci.Ec2InstanceId}
	case c.subject == "agentConnected":
		return []string{strconv.FormatBool(ci.AgentConnected)}
	case c.subject == "runningTasksCount":
		return []string{strconv.Itoa(int(ci.RunningTasksCount))}
	case c.subject == "registeredAt":
		if ci.RegisteredAt == nil {
			return nil
		}
		return []string{ci.RegisteredAt.UTC().Format(time.RFC3339Nano)}
	case c.subject == "task:group":
		var groups []string
		for _, t := range tasks {
			if t != nil && t.Group != nil {
				groups = append(groups, *t.Group)
			}
		}
		return groups
	}
	return nil
}

func (c *compareExpr) Match(ci *types.ContainerInstance, tasks ...*types.Task) bool {
	vals := c.subjectValues(ci, tasks)
	if c.op == "exists" {
		return len(vals) > 0
	}
	// For task:group a negative operator holds when no task matches.
	switch c.op {
	case "!=", "!~", "!in":
		positive := map[string]string{"!=": "==", "!~": "=~", "!in": "in"}[c.op]
		p := *c
		p.op = positive
		if len(vals) == 0 {
			return true
		}
		return !p.Match(ci, tasks...)
	}
	for _, v := range vals {
		if c.matchOne(v) {
			return true
		}
	}
	return false
}

func (c *compareExpr) matchOne(v string) bool {
	switch c.op {
	case "==":
		return c.compare(v, c.values[0]) == 0
	case "in":
		for _, want := range c.values {
			if c.compare(v, want) == 0 {
				return true
			}
		}
		return false
	case "=~":
		return c.re.MatchString(v)
	case ">":
		return c.compare(v, c.values[0]) > 0
	case ">=":
		return c.compare(v, c.values[0]) >= 0
	case "<":
		return c.compare(v, c.values[0]) < 0
	case "<=":
		return c.compare(v, c.values[0]) <= 0
	}
	return false
}

// compare orders a subject value and an argument: as times for registeredAt,
// as numbers when both are numbers, otherwise as strings.
func (c *compareExpr) compare(v, arg string) int {
	if c.subject == "registeredAt" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return strings.Compare(v, arg)
		}
		return t.Compare(c.at)
	}
	if c.subject == "agentConnected" {
		return strings.Compare(strings.ToLower(v), strings.ToLower(arg))
	}
	a, errA := strconv.ParseFloat(v, 64)
	b, errB := strconv.ParseFloat(arg, 64)
	if errA == nil && errB == nil {
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	}
	return strings.Compare(v, arg)
}
