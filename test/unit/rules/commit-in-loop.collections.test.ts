/**
 * commit-in-loop on Rust loops whose code shows they are small (issue 10): a
 * list built from one object's own collection, a parameter every caller in the
 * file fills from one object, the values of a fieldless enum. Info, with the
 * reason. A list of records a caller hands in (no caller in the file, a caller
 * that passes a list of its own, a test caller only) stays a warning.
 */
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
