//! Reading lines with a cap on each line and on the whole input, without
//! ever buffering more than one capped line.

use std::io::{self, BufRead};

/// One line read by [`CappedLines`].
#[derive(Debug)]
pub enum Line<'a> {
    /// The line's bytes, without the line ending.
    Text(&'a [u8]),
    /// The line was longer than the cap; its bytes were dropped.
    TooLong,
}

/// Why reading stopped early.
#[derive(Debug)]
pub enum Stop {
    /// The reader failed.
    Io(io::Error),
    /// More than the total cap was read.
    TotalCap,
}

/// Lines of a reader, at most `max_line` bytes each (longer ones are
/// reported as [`Line::TooLong`]) and `max_total` bytes in all.
pub struct CappedLines<R> {
    reader: R,
    buf: Vec<u8>,
    line_no: u64,
    total: u64,
    max_line: usize,
    max_total: u64,
}

impl<R: BufRead> CappedLines<R> {
    /// Reads `reader` with these caps.
    pub fn new(reader: R, max_line: usize, max_total: u64) -> Self {
        Self {
            reader,
            buf: Vec::new(),
            line_no: 0,
            total: 0,
            max_line,
            max_total,
        }
    }

    /// The next line with its 1-based number; `Ok(None)` at the end.
    pub fn next_line(&mut self) -> Result<Option<(u64, Line<'_>)>, Stop> {
        self.buf.clear();
        let mut too_long = false;
        let mut seen_any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Stop::Io(e)),
            };
            if available.is_empty() {
                if !seen_any {
                    return Ok(None);
                }
                break;
            }
            seen_any = true;
            let newline = available.iter().position(|&b| b == b'\n');
            let take = newline.map_or(available.len(), |i| i + 1);
            let chunk = available.get(..newline.unwrap_or(take)).unwrap_or_default();
            if !too_long {
                if self.buf.len() + chunk.len() > self.max_line {
                    too_long = true;
                    self.buf.clear();
                } else {
                    self.buf.extend_from_slice(chunk);
                }
            }
            self.reader.consume(take);
            self.total += take as u64;
            if self.total > self.max_total {
                return Err(Stop::TotalCap);
            }
            if newline.is_some() {
                break;
            }
        }
        self.line_no += 1;
        if too_long {
            return Ok(Some((self.line_no, Line::TooLong)));
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        Ok(Some((self.line_no, Line::Text(&self.buf))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8], max_line: usize, max_total: u64) -> (Vec<String>, bool) {
        let mut lines =
            CappedLines::new(io::BufReader::with_capacity(4, input), max_line, max_total);
        let mut out = Vec::new();
        loop {
            match lines.next_line() {
                Ok(None) => return (out, false),
                Ok(Some((n, Line::Text(t)))) => {
                    out.push(format!("{n}:{}", String::from_utf8_lossy(t)));
                }
                Ok(Some((n, Line::TooLong))) => out.push(format!("{n}:<long>")),
                Err(_) => return (out, true),
            }
        }
    }

    #[test]
    fn numbers_lines_from_one_and_strips_line_endings() {
        let (lines, stopped) = read_all(b"a\r\nbb\n\nccc", 100, 1000);
        assert_eq!(lines, vec!["1:a", "2:bb", "3:", "4:ccc"]);
        assert!(!stopped);
    }

    #[test]
    fn drops_long_lines_and_keeps_the_next_ones() {
        let (lines, _) = read_all(b"short\nthis line is long\nok\n", 6, 1000);
        assert_eq!(lines, vec!["1:short", "2:<long>", "3:ok"]);
    }

    #[test]
    fn stops_at_the_total_cap() {
        let (lines, stopped) = read_all(b"aaaa\nbbbb\ncccc\n", 100, 12);
        assert_eq!(lines, vec!["1:aaaa", "2:bbbb"]);
        assert!(stopped);
    }
}
