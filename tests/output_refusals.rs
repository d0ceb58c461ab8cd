//! Output folders that are refused through the binary, each left byte-identical with nothing
//! created beside it: a folder holding a user's files, a report a user added files to, a
//! hand-written or edited manifest listing a user's files or a sub-folder, a read-only report
//! (told by the permission bits, so also as the superuser), a file, a link, a path through a
//! file.

mod common;

use std::fs;
use std::path::Path;

use common::output::*;

#[test]
fn a_folder_with_a_user_s_files_is_refused_and_left_byte_identical() {
    let (tmp, scenario) = setup();
    let docs = tmp.path().join("outs").join("mydocs");
    fs::create_dir_all(docs.join("sub")).unwrap();
    fs::write(docs.join("thesis.txt"), "draft\n").unwrap();
    fs::write(docs.join("sub").join("notes.md"), "- a\n").unwrap();
    let stderr = assert_refused(&scenario, &docs, tmp.path());
    assert!(
        stderr.contains("not empty and not a serverless-sim report"),
        "{stderr}"
    );

    // A report a user saved a file into is not deleted either.
    let report = tmp.path().join("outs").join("report");
    fake_report(&report);
    fs::write(report.join("my-notes.txt"), "keep\n").unwrap();
    let stderr = assert_refused(&scenario, &report, tmp.path());
    assert!(stderr.contains("(my-notes.txt)"), "{stderr}");

    // trace inspect follows the same rule.
    let before = snapshot(tmp.path());
    bin()
        .args(["trace", "inspect", "tests/data/traces/tiny.csv", "--out"])
        .arg(&docs)
        .assert()
        .failure()
        .stderr(predicates::str::contains(format!("{}: ", docs.display())));
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn a_forged_manifest_listing_a_user_s_files_does_not_get_them_deleted() {
    let (tmp, scenario) = setup();
    let docs = tmp.path().join("outs").join("mydocs");
    fs::create_dir_all(docs.join("chapters")).unwrap();
    fs::write(docs.join("thesis.txt"), "draft\n").unwrap();
    fs::write(docs.join("chapters").join("one.md"), "# One\n").unwrap();
    let forge = |files: &str| {
        fs::write(
            docs.join("manifest.toml"),
            format!(
                "tool = \"serverless-sim\"\ncommand = \"run\"\nfiles = [{files}]\nwarnings = []\n"
            ),
        )
        .unwrap();
    };
    forge(r#""thesis.txt", "chapters/one.md""#);
    let stderr = assert_refused(&scenario, &docs, tmp.path());
    assert!(
        stderr.contains(
            "listing chapters/one.md, thesis.txt which serverless-sim `run` never writes"
        ),
        "{stderr}"
    );
    // A sub-folder listed under a report file's name is not a report file.
    fs::remove_file(docs.join("thesis.txt")).unwrap();
    fs::rename(docs.join("chapters"), docs.join("summary.csv")).unwrap();
    forge(r#""summary.csv""#);
    let stderr = assert_refused(&scenario, &docs, tmp.path());
    assert!(
        stderr.contains("summary.csv is not a plain file"),
        "{stderr}"
    );
    // sweep and trace inspect go by the same rule.
    let before = snapshot(tmp.path());
    bin()
        .args(["sweep", "--param", "load=1,2", "--quiet", "--out"])
        .arg(&docs)
        .arg(&scenario)
        .assert()
        .failure()
        .stderr(predicates::str::contains("is not a plain file"));
    bin()
        .args(["trace", "inspect", "tests/data/traces/tiny.csv", "--out"])
        .arg(&docs)
        .assert()
        .failure()
        .stderr(predicates::str::contains("is not a plain file"));
    assert_eq!(snapshot(tmp.path()), before);
}

/// Sets `path`'s write bits off (`read_only`) or back on (for the owner).
fn set_read_only(path: &Path, read_only: bool) {
    let mut p = fs::metadata(path).unwrap().permissions();
    if read_only {
        p.set_readonly(true);
    } else {
        use std::os::unix::fs::PermissionsExt;
        p.set_mode(p.mode() | 0o200);
    }
    fs::set_permissions(path, p).unwrap();
}

/// Read-only is told by the permission bits, so this holds for the superuser too (whom the
/// bits do not stop, as in CI).
#[cfg(unix)]
#[test]
fn a_read_only_report_is_refused_untouched_and_no_working_folder_is_left() {
    let (tmp, scenario) = setup();
    let outs = tmp.path().join("outs");
    let out = outs.join("rep");
    run(&scenario, &out, 21).assert().success();
    set_read_only(&out.join("summary.csv"), true);
    let stderr = assert_refused(&scenario, &out, tmp.path());
    assert!(
        stderr.contains("is read-only (no write permission for anyone on summary.csv)"),
        "{stderr}"
    );
    set_read_only(&out.join("summary.csv"), false);
    set_read_only(&out, true);
    let stderr = assert_refused(&scenario, &out, tmp.path());
    assert!(stderr.contains("on the folder)"), "{stderr}");
    assert_eq!(names(&outs), ["rep"], "no working folder left");
    set_read_only(&out, false);
    run(&scenario, &out, 22).assert().success();
    assert_eq!(assert_complete_report(&out), 22);
    assert_eq!(names(&outs), ["rep"]);
}

#[cfg(unix)]
#[test]
fn a_file_a_link_and_a_path_through_a_file_are_refused_untouched() {
    let (tmp, scenario) = setup();
    let outs = tmp.path().join("outs");
    let docs = outs.join("mydocs");
    fs::create_dir_all(&docs).unwrap();
    fs::write(docs.join("thesis.txt"), "draft\n").unwrap();
    let file = outs.join("afile");
    fs::write(&file, "precious\n").unwrap();
    let stderr = assert_refused(&scenario, &file, tmp.path());
    assert!(stderr.contains("is a file, not a folder"), "{stderr}");

    let report = outs.join("report");
    fake_report(&report);
    let empty = outs.join("empty");
    fs::create_dir(&empty).unwrap();
    for (link, to) in [
        ("to-docs", &docs),
        ("to-file", &file),
        ("to-report", &report),
        ("to-empty", &empty),
    ] {
        let link = outs.join(link);
        std::os::unix::fs::symlink(to, &link).unwrap();
        let stderr = assert_refused(&scenario, &link, tmp.path());
        assert!(stderr.contains("symbolic link"), "{stderr}");
    }

    let stderr = assert_refused(&scenario, &file.join("rep"), tmp.path());
    assert!(
        stderr.contains(&format!("{} is a file, not a folder", file.display())),
        "{stderr}"
    );
}
