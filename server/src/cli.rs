//! The command line: `server` (or `server serve`) runs the app; `server user …` manages accounts
//! on the configured database. Passwords are read from standard input, never from arguments (which
//! other users of the machine can see); there are no default accounts or passwords.
//!
//! ```text
//! server user add NAME --role officer|manager|admin --department DEPT   < password
//! server user passwd NAME                                                < password
//! server user disable NAME
//! server user list
//! ```

use std::io::BufRead;

use crate::auth::password;
use crate::db::users::{self, Role};
use crate::db::{sessions, Db};

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Serve,
    AddUser {
        username: String,
        role: Role,
        department: String,
    },
    SetPassword {
        username: String,
    },
    Disable {
        username: String,
    },
    ListUsers,
    /// Load the 2023 targets and a demo data set of this many leads.
    Demo {
        leads: usize,
    },
    /// The retention rule: erase the contact's personal data of leads with no change for this
    /// many years.
    EraseInactive {
        years: u32,
    },
    /// A local certificate authority and a server certificate for these names and addresses, in
    /// `dir` (`crate::tls::make_certificate`). Needs no database.
    Cert {
        hosts: Vec<String>,
        dir: std::path::PathBuf,
    },
    /// A consistent copy of the SQLite database, written while the server serves.
    Backup {
        path: std::path::PathBuf,
    },
    /// The backup put in place of the database (the server stopped).
    Restore {
        path: std::path::PathBuf,
    },
}

/// Where `server cert` writes unless told otherwise.
pub const CERT_DIR: &str = "./data/tls";

/// A command line that could not be understood or carried out.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}\n\n{USAGE}")]
    Usage(String),
    #[error("{0}")]
    Failed(String),
}

pub const USAGE: &str = "usage:
  server [serve]
  server user add NAME --role officer|manager|admin --department DEPT   (password on standard input)
  server user passwd NAME                                                (password on standard input)
  server user disable NAME
  server user list
  server demo [--leads N]      (the plan's 2023 targets and N demo leads, 1,200 by default)
  server erase-inactive --years N   (PIPL retention: erase the contact's personal data of leads
                                     with no change for N years, then compact the database file)
  server cert --host NAME [--host NAME…] [--dir DIR]   (a local CA and an HTTPS certificate for a
                                     LAN server, in ./data/tls unless told otherwise)
  server backup PATH           (a consistent copy of the SQLite database, while the server serves)
  server restore PATH          (puts a backup in place of the database; stop the server first)";

/// Leads in the demo data set unless asked otherwise: enough for every page to say something.
pub const DEMO_LEADS: usize = 1200;

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, CliError> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["serve"] => Ok(Command::Serve),
        ["user", "add", name, rest @ ..] => {
            let mut role = None;
            let mut department = None;
            let mut rest = rest.iter();
            while let Some(flag) = rest.next() {
                let value = rest.next().ok_or_else(|| CliError::Usage(format!("{flag} needs a value")))?;
                match *flag {
                    "--role" => role = Some(Role::parse(value).ok_or_else(|| CliError::Usage(format!("unknown role {value}")))?),
                    "--department" => department = Some(value.to_string()),
                    other => return Err(CliError::Usage(format!("unknown option {other}"))),
                }
            }
            let role = role.ok_or_else(|| CliError::Usage("--role is required".into()))?;
            let department =
                department.filter(|d| !d.trim().is_empty()).ok_or_else(|| CliError::Usage("--department is required".into()))?;
            Ok(Command::AddUser { username: valid_name(name)?, role, department })
        }
        ["user", "passwd", name] => Ok(Command::SetPassword { username: valid_name(name)? }),
        ["user", "disable", name] => Ok(Command::Disable { username: valid_name(name)? }),
        ["user", "list"] => Ok(Command::ListUsers),
        ["demo"] => Ok(Command::Demo { leads: DEMO_LEADS }),
        ["demo", "--leads", n] => n
            .parse()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n))
            .map(|leads| Command::Demo { leads })
            .ok_or_else(|| CliError::Usage(format!("--leads takes a number from 1 to 1000000, not {n}"))),
        ["erase-inactive", "--years", n] => n
            .parse()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .map(|years| Command::EraseInactive { years })
            .ok_or_else(|| CliError::Usage(format!("--years takes a number from 1 to 100, not {n}"))),
        ["backup", path] => Ok(Command::Backup { path: path.into() }),
        ["restore", path] => Ok(Command::Restore { path: path.into() }),
        ["cert", rest @ ..] => {
            let (mut hosts, mut dir) = (Vec::new(), std::path::PathBuf::from(CERT_DIR));
            let mut rest = rest.iter();
            while let Some(flag) = rest.next() {
                let value = rest.next().ok_or_else(|| CliError::Usage(format!("{flag} needs a value")))?;
                match *flag {
                    "--host" => hosts.push(cert_host(value)?),
                    "--dir" => dir = value.into(),
                    other => return Err(CliError::Usage(format!("unknown option {other}"))),
                }
            }
            if hosts.is_empty() {
                return Err(CliError::Usage("--host NAME is required (a name or an address the tablets use; repeat it for more)".into()));
            }
            Ok(Command::Cert { hosts, dir })
        }
        _ => Err(CliError::Usage(format!("unknown command: {}", args.join(" ")))),
    }
}

/// A host name or IP address for a certificate.
fn cert_host(value: &str) -> Result<String, CliError> {
    let ok = value.parse::<std::net::IpAddr>().is_ok()
        || (!value.is_empty()
            && value.len() <= 253
            && value.split('.').all(|l| !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')));
    if ok {
        Ok(value.to_ascii_lowercase())
    } else {
        Err(CliError::Usage(format!("--host takes a host name or an IP address, not {value}")))
    }
}

/// What a backup or a restore says it did.
pub fn written_text(done: &str, written: &crate::backup::Written) -> String {
    format!(
        "{done} {} leads into {} ({:.1} MB) in {:.1} s",
        written.leads,
        written.path.display(),
        written.bytes as f64 / 1_048_576.0,
        written.took.as_secs_f64()
    )
}

/// Makes the certificate of [`Command::Cert`]; returns what to print.
pub fn make_certificate(hosts: &[String], dir: &std::path::Path) -> Result<String, CliError> {
    let made = crate::tls::make_certificate(dir, hosts).map_err(|e| CliError::Failed(e.to_string()))?;
    let authority =
        if made.new_authority { "made a new local certificate authority" } else { "signed by the local authority already there" };
    Ok(format!(
        "wrote {cert} and {key} for {hosts} ({authority}).\n\
         Serve HTTPS with: ZS_TLS_CERT={cert} ZS_TLS_KEY={key}\n\
         On each tablet, install {ca} once as a trusted CA certificate (see the README, \"HTTPS at a fair\").",
        cert = made.files.cert.display(),
        key = made.files.key.display(),
        hosts = hosts.join(", "),
        ca = made.ca_cert.display(),
    ))
}

fn valid_name(name: &str) -> Result<String, CliError> {
    if users::is_valid_name(name) {
        Ok(name.to_owned())
    } else {
        Err(CliError::Usage(format!("a user name has 2 to 50 letters, digits, '.', '_' or '-': {name}")))
    }
}

fn read_password(input: &mut dyn BufRead) -> Result<String, CliError> {
    let mut line = String::new();
    input.read_line(&mut line).map_err(|e| CliError::Failed(format!("cannot read the password: {e}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn hashed(password: &str) -> Result<String, CliError> {
    password::hash(password).map_err(|e| CliError::Failed(e.to_string()))
}

/// Carries out an account command; returns what to print.
pub async fn run_user_command(db: &Db, command: Command, input: &mut dyn BufRead) -> Result<String, CliError> {
    let failed = |e: sqlx::Error| CliError::Failed(format!("database error: {e}"));
    let mut conn = db.pool.acquire().await.map_err(failed)?;
    match command {
        Command::Serve | Command::Cert { .. } | Command::Restore { .. } => Err(CliError::Usage("not an account command".into())),
        Command::Backup { path } => {
            drop(conn);
            let written = crate::backup::backup(db, &path).await.map_err(|e| CliError::Failed(e.to_string()))?;
            Ok(written_text("backed up", &written))
        }
        Command::Demo { leads } => {
            drop(conn);
            let written = crate::demo::load(db, leads, 2023).await.map_err(|e| CliError::Failed(e.to_string()))?;
            Ok(format!("loaded the 2023 targets and {written} demo leads; add a manager with `server user add NAME --role manager --department DEPT` to see them"))
        }
        Command::EraseInactive { years } => {
            drop(conn);
            let erased = crate::web_edit::erase_inactive(db, years).await.map_err(failed)?;
            crate::db::compact(db).await.map_err(failed)?;
            Ok(format!("erased the contact's personal data of {erased} leads with no change for {years} years"))
        }
        Command::AddUser { username, role, department } => {
            let hash = hashed(&read_password(input)?)?;
            match users::insert(&mut conn, &username, &hash, role, &department).await {
                Ok(id) => Ok(format!("added {username} ({}, {department}) as user {id}", role.as_str())),
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    Err(CliError::Failed(format!("a user named {username} exists already")))
                }
                Err(e) => Err(failed(e)),
            }
        }
        Command::SetPassword { username } => {
            let hash = hashed(&read_password(input)?)?;
            let Some((user, _)) = users::find_with_hash(&mut conn, &username).await.map_err(failed)? else {
                return Err(CliError::Failed(format!("no user named {username}")));
            };
            // Whoever knew the old password may hold a session: the change ends them all, at once.
            let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(failed)?;
            users::set_password(&mut tx, &username, &hash).await.map_err(failed)?;
            sessions::delete_for_user(&mut tx, user.id).await.map_err(failed)?;
            tx.commit().await.map_err(failed)?;
            Ok(format!("password of {username} changed; their sessions ended"))
        }
        Command::Disable { username } => {
            let Some((user, _)) = users::find_with_hash(&mut conn, &username).await.map_err(failed)? else {
                return Err(CliError::Failed(format!("no user named {username}")));
            };
            users::disable(&mut conn, &username).await.map_err(failed)?;
            sessions::delete_for_user(&mut conn, user.id).await.map_err(failed)?;
            Ok(format!("{username} disabled; their sessions ended"))
        }
        Command::ListUsers => {
            let all = users::list(&mut conn).await.map_err(failed)?;
            Ok(all
                .iter()
                .map(|u| format!("{}\t{}\t{}{}", u.username, u.role.as_str(), u.department, if u.disabled { "\tdisabled" } else { "" }))
                .collect::<Vec<_>>()
                .join("\n"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn parses_the_commands() {
        assert_eq!(parse(&args("")).unwrap(), Command::Serve);
        assert_eq!(
            parse(&args("user add li.wei --role officer --department 经合局")).unwrap(),
            Command::AddUser { username: "li.wei".into(), role: Role::Officer, department: "经合局".into() }
        );
        assert_eq!(parse(&args("user passwd li.wei")).unwrap(), Command::SetPassword { username: "li.wei".into() });
        assert_eq!(parse(&args("user list")).unwrap(), Command::ListUsers);
        assert_eq!(
            parse(&args("cert --host ZS-Fair.test --host 192.168.1.10")).unwrap(),
            Command::Cert { hosts: vec!["zs-fair.test".into(), "192.168.1.10".into()], dir: CERT_DIR.into() }
        );
    }

    #[test]
    fn refuses_what_it_does_not_understand() {
        for bad in [
            "user add li --role boss --department x",
            "user add li --department x",
            "user add li --role officer",
            "user add 'x y' --role officer --department d",
            "frobnicate",
            "cert",
            "cert --host",
            "cert --host a..b",
            "cert --host evil.test/x",
        ] {
            assert!(matches!(parse(&args(bad)), Err(CliError::Usage(_))), "{bad}");
        }
    }
}
