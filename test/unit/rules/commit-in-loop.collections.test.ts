/**
 * commit-in-loop on Rust loops whose code shows they are small (issue 10): a
 * list built from one object's own collection, a parameter every caller in the
 * file fills from one object, the values of a fieldless enum. Info, with the
 * reason. A list of records a caller hands in (no caller in the file, a caller
 * that passes a list of its own, a test caller only) stays a warning.
 */
import { extractPython } from '../../../server/src/core/host/python/extract';
import { extractRust } from '../../../server/src/core/host/rust/extract';
import { commitInLoop } from '../../../server/src/core/rules/commit-in-loop';
import { hostRuleTester } from './host-harness';

const rs = (code: string) => extractRust(code, '/ws/app.rs');
const insertTag = 'sqlx::query("INSERT INTO tags (label) VALUES ($1)").bind(label).execute(&mut *conn).await';

const throughLocal = `async fn save_tags(conn: &mut PgConnection, article: &Article) -> Result<()> {
    let labels: Vec<String> = article
        .tags
        .iter()
        .map(|t| t.to_lowercase())
        .collect();
    for label in labels
        .iter()
        .filter(|l| !l.is_empty())
    {
        ${insertTag}?;
    }
    Ok(())
}
`;

const insertMember = 'sqlx::query("INSERT INTO members (team_id, login) VALUES ($1, $2)").bind(team).bind(&member.login).execute(&mut *conn).await';
const membersFn = `async fn add_members(conn: &mut PgConnection, members: &[Member], team: i32) -> Result<()> {
    for member in members {
        ${insertMember}?;
    }
    Ok(())
}
`;
const throughCaller = `pub async fn sync_team(conn: &mut PgConnection, info: &TeamInfo, team: i32) -> Result<()> {
    add_members(conn, &info.members, team).await
}

${membersFn}
#[cfg(test)]
mod tests {
    async fn adds(conn: &mut PgConnection, many: Vec<Member>) {
        add_members(conn, &many, 1).await.unwrap();
    }
}
`;
const callerWithOwnList = `pub async fn import(conn: &mut PgConnection, everyone: Vec<Member>) -> Result<()> {
    add_members(conn, &everyone, 1).await
}

pub async fn sync_team(conn: &mut PgConnection, info: &TeamInfo, team: i32) -> Result<()> {
    add_members(conn, &info.members, team).await
}

${membersFn}`;
const noCaller = `pub ${membersFn}`;

const insertFormat = 'sqlx::query("INSERT INTO file_formats (file_id, format) VALUES ($1, $2)").bind(file).bind(format as i16).execute(&mut *conn).await';
const enumValues = `async fn save_formats<I>(conn: &mut PgConnection, formats: I, file: i32) -> Result<()>
where
    I: Iterator<Item = Format>,
{
    for format in formats {
        ${insertFormat}?;
    }
    Ok(())
}
`;
const insertFormatMacro = 'sqlx::query!("INSERT INTO file_formats (file_id, format) VALUES ($1, $2)", file, format as i16).execute(&mut *conn).await';
const enumValuesMacro = `async fn save_formats(conn: &mut PgConnection, formats: impl IntoIterator<Item = Format>, file: i32) -> Result<()> {
    for format in formats {
        ${insertFormatMacro}?;
    }
    Ok(())
}
`;
const insertScore = 'sqlx::query("INSERT INTO scores (player_id, points) VALUES ($1, $2)").bind(player).bind(points as i32).execute(&mut *conn).await';
const integers = `pub async fn save_scores(conn: &mut PgConnection, scores: Vec<i64>, player: i32) -> Result<()> {
    for points in scores {
        ${insertScore}?;
    }
    Ok(())
}
`;

hostRuleTester(commitInLoop, 'Rust loops small by construction', {
  valid: [],
  invalid: [
    {
      name: 'a local built from one object\'s collection: info, naming it (chains over lines quoted on one line)',
      code: throughLocal,
      language: 'rust',
      host: rs,
      errors: [{ message: ['INSERT runs once per label of labels.iter().filter(|l| !l.is_empty())', '(labels.iter().filter(|l| !l.is_empty()) comes from article.tags, one object\'s own collection'], span: insertTag, tentative: true }],
    },
    {
      name: 'a parameter the one non-test caller fills from one object: info',
      code: throughCaller,
      language: 'rust',
      host: rs,
      errors: [{ message: ['INSERT runs once per member of members', '(members comes from info.members, one object\'s own collection'], span: insertMember, tentative: true }],
    },
    {
      name: 'a caller passing a list of its own: still a warning',
      code: callerWithOwnList,
      language: 'rust',
      host: rs,
      errors: [{ message: ['INSERT runs once per member of members: one round trip (and statement) per row.'], span: insertMember }],
    },
    {
      name: 'no caller in the file (a list of records handed in): still a warning',
      code: noCaller,
      language: 'rust',
      host: rs,
      errors: [{ message: ['INSERT runs once per member of members: one round trip (and statement) per row.'], span: insertMember }],
    },
    {
      name: 'items of a named type cast to an integer (a fieldless enum): info',
      code: enumValues,
      language: 'rust',
      host: rs,
      errors: [{ message: ['INSERT runs once per format of formats', '(Its items are Format values cast to an integer, so Format is a fieldless enum'], span: insertFormat, tentative: true }],
    },
    {
      name: 'the cast inside query!(..)\'s arguments, items from impl IntoIterator<Item = Format>: info',
      code: enumValuesMacro,
      language: 'rust',
      host: rs,
      errors: [{ message: ['INSERT runs once per format of formats', '(Its items are Format values cast to an integer'], span: insertFormatMacro, tentative: true }],
    },
    {
      name: 'integers cast to another integer: still a warning',
      code: integers,
      language: 'rust',
      host: rs,
      errors: [{ message: ['INSERT runs once per points of scores: one round trip (and statement) per row.'], span: insertScore }],
    },
  ],
});

/**
 * The same for Python locals: a list copied from, comprehended over, or
 * filled by `append` only inside loops over one object's own collection is
 * as small as that collection. Filled from anything else, or handed in as a
 * parameter, it says nothing.
 */
const py = (code: string) => extractPython(code, '/ws/app.py');
const pyMark = (fill: string) => `def mark_notified(session, ticket):
    recipients = []
    for watcher in ticket.watchers:
        if watcher.email:
            ${fill}
    for person in recipients:
        person.notified_at = now()
        session.commit()
`;
const pyMarkOutput = (fill: string) => pyMark(fill).replace('        session.commit()\n', '    session.commit()\n');

hostRuleTester(commitInLoop, 'Python loops over a local built from one object', {
  valid: [],
  invalid: [
    {
      name: "a list filled by append inside a loop over one object's collection: info, naming it",
      code: pyMark('recipients.append(watcher)'),
      host: py,
      output: pyMarkOutput('recipients.append(watcher)'),
      errors: [
        {
          message: ['session.commit() runs once per person of recipients', "(recipients comes from ticket.watchers, one object's own collection, likely a handful of items: worth it only if it grows.)"],
          span: 'session.commit()',
          fixes: ['Move session.commit() after the loop'],
          tentative: true,
        },
      ],
    },
    {
      name: 'a comprehension over one object\'s collection: info',
      code: 'def close_all(session, board):\n    open_ones = [c for c in board.columns if c.open]\n    for column in open_ones:\n        column.open = False\n        session.commit()\n',
      host: py,
      output: 'def close_all(session, board):\n    open_ones = [c for c in board.columns if c.open]\n    for column in open_ones:\n        column.open = False\n    session.commit()\n',
      errors: [{ message: ["(open_ones comes from board.columns, one object's own collection"], span: 'session.commit()', fixes: ['Move session.commit() after the loop'], tentative: true }],
    },
    {
      name: 'the same list also extended with rows from elsewhere: still a warning',
      code: pyMark('recipients.append(watcher)').replace('    for person in recipients:', '    recipients.extend(load_subscribers(session))\n    for person in recipients:'),
      host: py,
      output: pyMarkOutput('recipients.append(watcher)').replace('    for person in recipients:', '    recipients.extend(load_subscribers(session))\n    for person in recipients:'),
      errors: [{ message: [/^session\.commit\(\) runs once per person of recipients: .* Commit once after the loop\.$/], span: 'session.commit()', fixes: ['Move session.commit() after the loop'] }],
    },
    {
      name: 'appended inside a loop over a list handed in: still a warning',
      code: pyMark('recipients.append(watcher)').replace('(session, ticket)', '(session, ticket, watchers)').replace('ticket.watchers', 'watchers'),
      host: py,
      output: pyMarkOutput('recipients.append(watcher)').replace('(session, ticket)', '(session, ticket, watchers)').replace('ticket.watchers', 'watchers'),
      errors: [{ message: [/^session\.commit\(\) runs once per person of recipients: .* Commit once after the loop\.$/], span: 'session.commit()', fixes: ['Move session.commit() after the loop'] }],
    },
  ],
});
