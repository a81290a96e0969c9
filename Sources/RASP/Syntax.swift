// The syntax tree of a .rasp file: statements (assignment, def, for, output, token_type) and
// expressions (literals, names, calls, lambdas, operators, if-then-else, lists, tuples, sets).
// Every node carries its source location so later errors can point at file:line:col.

indirect enum Node: Sendable {
    case literal(Value?, SourceLocation)                       // None is literal(nil)
    case name(String, SourceLocation)
    case list([Node], SourceLocation)
    case tuple([Node], SourceLocation)
    case set([Node], SourceLocation)
    case call(Node, [Node], SourceLocation)
    case method(Node, String, [Node], SourceLocation)         // receiver.name(args)
    case index(Node, Node, SourceLocation)
    case lambda([String], Node, String, SourceLocation)        // params, body, source text
    case unary(String, Node, SourceLocation)                   // "-", "not", "~"
    case binary(String, Node, Node, SourceLocation)            // arithmetic, comparison, in, &, |
    case logical(String, Node, Node, SourceLocation)           // "and", "or" (short-circuit)
    case conditional(Node, Node, Node, SourceLocation)         // if c then a else b

    var location: SourceLocation {
        switch self {
        case .literal(_, let l), .name(_, let l), .list(_, let l), .tuple(_, let l), .set(_, let l),
             .call(_, _, let l), .method(_, _, _, let l), .index(_, _, let l), .lambda(_, _, _, let l),
             .unary(_, _, let l), .binary(_, _, _, let l), .logical(_, _, _, let l), .conditional(_, _, _, let l):
            return l
        }
    }
}

enum Statement: Sendable {
    case assign([String], Node, SourceLocation)               // a = e  or  (a, b) = e
    case def(String, [String], [Statement], Node, SourceLocation)   // body statements, result
    case loop([String], Node, [Statement], SourceLocation)    // for x in e { … } / for (a, b) in e { … }
    case output(Node, SourceLocation)
    case tokenType(String, SourceLocation)
}
