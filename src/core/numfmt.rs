//! Number formatting for people: thousands grouped as each language writes them.

/// `53300` → `53,300` with `sep = ','`, `53 300` with `sep = ' '`.
pub fn group(n: u64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn grouping() {
        assert_eq!(super::group(0, ','), "0");
        assert_eq!(super::group(999, ','), "999");
        assert_eq!(super::group(1000, ','), "1,000");
        assert_eq!(super::group(53300, ' '), "53 300");
        assert_eq!(super::group(1502510, ','), "1,502,510");
    }
}
