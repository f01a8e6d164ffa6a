extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and other horizontal whitespace (what
    /// Foundation's `.whitespaces` trims), for lines of configuration and token files: paramd
    /// reads those without Foundation, whose libraries would add 5 MB to every server's RSS.
    public func trimmingHorizontalWhitespace() -> String {
        let isBlank: (Character) -> Bool = { $0.isWhitespace && !$0.isNewline }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(self[first...last])
    }
}
