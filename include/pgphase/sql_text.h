// Slicing SQL text by the offsets libpg_query gives: where a clause ends, where a keyword is,
// skipping quoted strings, quoted names, dollar quotes, comments and parentheses. Pure.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace pgphase::sqltext {

// The offset where the clause starting at `from` ends: the first `,`, `;` or unmatched `)` at
// its own parenthesis depth, or one of the `stops` words (any case) there; text.size() if
// none.
size_t ClauseEnd(std::string_view text, size_t from, std::initializer_list<std::string_view> stops);

// The offset just after the first `word` (any case) at depth 0 from `from` and before `end`;
// npos when there is none.
size_t AfterWord(std::string_view text, size_t from, size_t end, std::string_view word);

// The offset just after the last `word` before `at` (skipping only whitespace and `(`); npos
// when the text before `at` is not that word.
size_t AfterWordBefore(std::string_view text, size_t at, std::string_view word);

// text[from, end) without surrounding whitespace.
std::string Trimmed(std::string_view text, size_t from, size_t end);

// `text` with the qualifier `schema.` taken off every name, as PostgreSQL prints names that a
// session finds through its search_path: `public.users` -> `users`, `'public.s'::regclass`
// -> `'s'::regclass` (a string literal only when a `::regclass` cast follows). Quoted strings,
// comments and other names are left as they are.
std::string Unqualified(std::string_view text, std::string_view schema);

}  // namespace pgphase::sqltext
