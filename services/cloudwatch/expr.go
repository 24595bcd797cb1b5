package cloudwatch

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// exprNode is a parsed metric math expression.
type exprNode interface{}

type (
	numNode struct{ v float64 }
	refNode struct{ id string }
	negNode struct{ x exprNode }
	binNode struct {
		op   byte
		l, r exprNode
	}
	callNode struct {
		fn   string
		args []exprNode
	}
	listNode struct{ items []exprNode }
)

// value is a metric math value at one timestamp: a number, missing, or a list.
type value struct {
	v      float64
	ok     bool
	list   []value
	isList bool
}

func num(v float64) value { return value{v: v, ok: !math.IsNaN(v) && !math.IsInf(v, 0)} }

var missing = value{}

// parseExpr parses the metric math that scaling policies and alarms use:
// + - * / ^, parentheses, numbers, query ids, [lists] and the functions
// SUM, AVG, MIN, MAX, ABS, FILL, CEIL, FLOOR and METRICS().
func parseExpr(s string) (exprNode, error) {
	p := &exprParser{s: s}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, fmt.Errorf("unexpected %q at position %d", p.s[p.i:], p.i+1)
	}
	return n, nil
}

type exprParser struct {
	s     string
	i     int
	depth int
}

func (p *exprParser) space() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *exprParser) peek() byte {
	p.space()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *exprParser) expr() (exprNode, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > 50 {
		return nil, fmt.Errorf("expression nested too deeply")
	}
	l, err := p.term()
	if err != nil {
		return nil, err
	}
	for c := p.peek(); c == '+' || c == '-'; c = p.peek() {
		p.i++
		r, err := p.term()
		if err != nil {
			return nil, err
		}
		l = binNode{op: c, l: l, r: r}
	}
	return l, nil
}

func (p *exprParser) term() (exprNode, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for c := p.peek(); c == '*' || c == '/'; c = p.peek() {
		p.i++
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = binNode{op: c, l: l, r: r}
	}
	return l, nil
}

// unary binds looser than ^, so -x^2 is -(x^2).
func (p *exprParser) unary() (exprNode, error) {
	if p.peek() == '-' {
		p.i++
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > 50 {
			return nil, fmt.Errorf("expression nested too deeply")
		}
		x, err := p.unary()
		return negNode{x}, err
	}
	return p.power()
}

// power is right-associative: 2^3^2 is 2^(3^2).
func (p *exprParser) power() (exprNode, error) {
	l, err := p.primary()
	if err != nil {
		return nil, err
	}
	if p.peek() == '^' {
		p.i++
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		return binNode{op: '^', l: l, r: r}, nil
	}
	return l, nil
}

func (p *exprParser) primary() (exprNode, error) {
	c := p.peek()
	switch {
	case c == '(':
		p.i++
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.peek() != ')' {
			return nil, fmt.Errorf("missing )")
		}
		p.i++
		return n, nil
	case c == '[':
		p.i++
		items, err := p.args(']')
		return listNode{items}, err
	case c >= '0' && c <= '9' || c == '.':
		start := p.i
		for p.i < len(p.s) && (p.s[p.i] >= '0' && p.s[p.i] <= '9' || p.s[p.i] == '.' || p.s[p.i] == 'e' || p.s[p.i] == 'E') {
			p.i++
		}
		v, err := strconv.ParseFloat(p.s[start:p.i], 64)
		if err != nil {
			return nil, fmt.Errorf("invalid number %q", p.s[start:p.i])
		}
		return numNode{v}, nil
	case unicode.IsLetter(rune(c)):
		start := p.i
		for p.i < len(p.s) && (unicode.IsLetter(rune(p.s[p.i])) || unicode.IsDigit(rune(p.s[p.i])) || p.s[p.i] == '_') {
			p.i++
		}
		name := p.s[start:p.i]
		if p.peek() == '(' {
			p.i++
			args, err := p.args(')')
			return callNode{fn: strings.ToUpper(name), args: args}, err
		}
		return refNode{name}, nil
	case c == 0:
		return nil, fmt.Errorf("unexpected end of expression")
	}
	return nil, fmt.Errorf("unexpected %q at position %d", string(c), p.i+1)
}

func (p *exprParser) args(closer byte) ([]exprNode, error) {
	var out []exprNode
	if p.peek() == closer {
		p.i++
		return out, nil
	}
	for {
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		out = append(out, n)
		switch p.peek() {
		case ',':
			p.i++
		case closer:
			p.i++
			return out, nil
		default:
			return nil, fmt.Errorf("expected , or %c", closer)
		}
	}
}

// refs lists the query ids an expression names.
func refs(n exprNode) []string {
	var out []string
	var walk func(exprNode)
	walk = func(n exprNode) {
		switch x := n.(type) {
		case refNode:
			out = append(out, x.id)
		case negNode:
			walk(x.x)
		case binNode:
			walk(x.l)
			walk(x.r)
		case callNode:
			for _, a := range x.args {
				walk(a)
			}
		case listNode:
			for _, a := range x.items {
				walk(a)
			}
		}
	}
	walk(n)
	return out
}

// env resolves ids, and METRICS() to every metric query's value.
type env interface {
	lookup(id string) (value, error)
	metrics() ([]value, error)
}

func eval(n exprNode, e env) (value, error) {
	switch x := n.(type) {
	case numNode:
		return num(x.v), nil
	case refNode:
		return e.lookup(x.id)
	case negNode:
		v, err := eval(x.x, e)
		if err != nil {
			return missing, err
		}
		return mapValue(v, func(f float64) float64 { return -f }), nil
	case binNode:
		l, err := eval(x.l, e)
		if err != nil {
			return missing, err
		}
		r, err := eval(x.r, e)
		if err != nil {
			return missing, err
		}
		return binary(x.op, l, r), nil
	case listNode:
		out := value{isList: true}
		for _, it := range x.items {
			v, err := eval(it, e)
			if err != nil {
				return missing, err
			}
			out.list = append(out.list, flatten(v)...)
		}
		return out, nil
	case callNode:
		return call(x, e)
	}
	return missing, fmt.Errorf("unsupported expression")
}

func flatten(v value) []value {
	if v.isList {
		return v.list
	}
	return []value{v}
}

func mapValue(v value, f func(float64) float64) value {
	if v.isList {
		out := value{isList: true}
		for _, it := range v.list {
			out.list = append(out.list, mapValue(it, f))
		}
		return out
	}
	if !v.ok {
		return missing
	}
	return num(f(v.v))
}

func binary(op byte, l, r value) value {
	if l.isList || r.isList {
		out := value{isList: true}
		ls, rs := flatten(l), flatten(r)
		for i := 0; i < len(ls) || i < len(rs); i++ {
			a, b := ls[min(i, len(ls)-1)], rs[min(i, len(rs)-1)]
			out.list = append(out.list, binary(op, a, b))
		}
		return out
	}
	if !l.ok || !r.ok {
		return missing
	}
	switch op {
	case '+':
		return num(l.v + r.v)
	case '-':
		return num(l.v - r.v)
	case '*':
		return num(l.v * r.v)
	case '/':
		if r.v == 0 {
			return missing
		}
		return num(l.v / r.v)
	case '^':
		return num(math.Pow(l.v, r.v))
	}
	return missing
}

func call(x callNode, e env) (value, error) {
	var args []value
	if x.fn == "METRICS" {
		vs, err := e.metrics()
		return value{isList: true, list: vs}, err
	}
	for _, a := range x.args {
		v, err := eval(a, e)
		if err != nil {
			return missing, err
		}
		args = append(args, v)
	}
	switch x.fn {
	case "SUM", "AVG", "MIN", "MAX":
		var all []value
		for _, a := range args {
			all = append(all, flatten(a)...)
		}
		return reduce(x.fn, all), nil
	case "ABS", "CEIL", "FLOOR":
		if len(args) != 1 {
			return missing, fmt.Errorf("%s takes one argument", x.fn)
		}
		f := map[string]func(float64) float64{"ABS": math.Abs, "CEIL": math.Ceil, "FLOOR": math.Floor}[x.fn]
		return mapValue(args[0], f), nil
	case "FILL":
		if len(args) != 2 || args[1].isList || !args[1].ok {
			return missing, fmt.Errorf("FILL takes a series and a number")
		}
		fill := args[1].v
		if args[0].isList {
			out := value{isList: true}
			for _, it := range args[0].list {
				if !it.ok {
					it = num(fill)
				}
				out.list = append(out.list, it)
			}
			return out, nil
		}
		if !args[0].ok {
			return num(fill), nil
		}
		return args[0], nil
	}
	return missing, fmt.Errorf("unsupported function %s", x.fn)
}

func reduce(fn string, vs []value) value {
	n, sum := 0, 0.0
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		if !v.ok {
			continue
		}
		n++
		sum += v.v
		lo, hi = math.Min(lo, v.v), math.Max(hi, v.v)
	}
	if n == 0 {
		return missing
	}
	switch fn {
	case "SUM":
		return num(sum)
	case "AVG":
		return num(sum / float64(n))
	case "MIN":
		return num(lo)
	}
	return num(hi)
}
