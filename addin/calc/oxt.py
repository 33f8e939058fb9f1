"""The LibreOffice extension ``fee12b1.oxt``, and the ``fee12b1 calc-addin`` command.

``oxt_bytes(env)`` packs (``docs/calc.md`` explains each part):

* ``fee12b1_calc.py`` -- the component (``component.py``), ``fee12b1_calc.components`` naming
  its two implementations (the add-in and the document job) for LibreOffice's Python loader,
  and the two modules it imports first, ``pythonpath/fee12b1_calc_env.py``
  (``environment.py``) and ``pythonpath/fee12b1_calc_xlsx.py`` (``xlsx_names.py``);
* ``fee12b1.rdb`` -- the add-in's UNO interface (committed, see ``idl``);
* ``CalcAddIns.xcu`` -- function and argument descriptions for Calc's function list;
* ``Jobs.xcu`` -- runs the job when a document is loaded (``OnLoadFinished``) and saved
  (``OnSaveDone``, ``OnSaveAsDone``);
* ``functions.json`` -- the functions (``functions.function_specs``: ``addin.udfs``);
* ``environment.json`` -- the Python environment that runs them (``environment.record``);
* ``description.xml`` and ``META-INF/manifest.xml``.

The bytes depend only on the functions, the environment and the version (fixed zip times), so
building twice gives the same file.
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from . import environment
from .functions import Function, function_specs
from .idl import IDL_PATH, RDB_PATH, idl_text, param_name

HERE = Path(__file__).resolve().parent
IDENTIFIER = "org.fee12b1.calc"
ADDIN = "org.fee12b1.calc.Functions"
JOB = "org.fee12b1.calc.DocumentJob"
JOB_NAME = "fee12b1.DocumentJob"
EVENTS = ("OnLoadFinished", "OnSaveDone", "OnSaveAsDone")
COMPONENT = "fee12b1_calc.py"
ENV_MODULE = "pythonpath/fee12b1_calc_env.py"
XLSX_MODULE = "pythonpath/fee12b1_calc_xlsx.py"
ZIP_TIME = (2001, 1, 1, 0, 0, 0)
CATEGORY = "Add-In"


class StaleTypeLibrary(Exception):
    """The committed IDL is not the one the functions need."""


def _xml_head() -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n'


def manifest_xml() -> str:
    entries = (("fee12b1.rdb", "application/vnd.sun.star.uno-typelibrary;type=RDB"),
               ("fee12b1_calc.components", "application/vnd.sun.star.uno-components"),
               ("CalcAddIns.xcu", "application/vnd.sun.star.configuration-data"),
               ("Jobs.xcu", "application/vnd.sun.star.configuration-data"))
    lines = [_xml_head() + '<manifest:manifest xmlns:manifest="http://openoffice.org/2001/manifest">']
    lines += [f' <manifest:file-entry manifest:full-path="{p}" manifest:media-type="{t}"/>'
              for p, t in entries]
    lines.append("</manifest:manifest>")
    return "\n".join(lines) + "\n"


def components_xml() -> str:
    return (_xml_head()
            + '<components xmlns="http://openoffice.org/2010/uno-components">\n'
            + f' <component loader="com.sun.star.loader.Python" uri="{COMPONENT}">\n'
            + f'  <implementation name="{ADDIN}">\n'
            + '   <service name="com.sun.star.sheet.AddIn"/>\n'
            + f'   <service name="{ADDIN}"/>\n'
            + '  </implementation>\n'
            + f'  <implementation name="{JOB}">\n'
            + '   <service name="com.sun.star.task.Job"/>\n'
            + f'   <service name="{JOB}"/>\n'
            + '  </implementation>\n'
            + ' </component>\n'
            + '</components>\n')


def description_xml(version: str) -> str:
    return (_xml_head()
            + '<description xmlns="http://openoffice.org/extensions/description/2006"\n'
            + '    xmlns:d="http://openoffice.org/extensions/description/2006"\n'
            + '    xmlns:lo="http://libreoffice.org/extensions/description/2011">\n'
            + f' <identifier value="{IDENTIFIER}"/>\n'
            + f' <version value="{version}"/>\n'
            + ' <display-name><name lang="en">fee12b1: Rule 12b-1 fee functions (FEE_*)</name>'
            + '</display-name>\n'
            + ' <dependencies>\n'
            + '  <lo:LibreOffice-minimal-version d:name="LibreOffice 7.4" value="7.4"/>\n'
            + ' </dependencies>\n'
            + '</description>\n')


def _text(prop: str, value: str, lang: bool = True) -> str:
    attr = ' xml:lang="en-US"' if lang else ""
    return f'<prop oor:name="{prop}"><value{attr}>{escape(value)}</value></prop>'


def calc_addins_xcu(functions: list[Function]) -> str:
    """Names, descriptions, category and argument help for Calc's function list."""
    out = [_xml_head()
           + '<oor:component-data xmlns:oor="http://openoffice.org/2001/registry" '
           + 'xmlns:xs="http://www.w3.org/2001/XMLSchema" oor:name="CalcAddIns" '
           + 'oor:package="org.openoffice.Office">',
           ' <node oor:name="AddInInfo">',
           f'  <node oor:name={quoteattr(ADDIN)} oor:op="replace">',
           '   <node oor:name="AddInFunctions">']
    for f in functions:
        out.append(f'    <node oor:name="{f.name}" oor:op="replace">')
        out.append("     " + _text("DisplayName", f.name))
        out.append("     " + _text("Description", f.doc))
        out.append("     " + _text("Category", CATEGORY, lang=False))
        out.append("     " + _text("CompatibilityName", f.name))
        out.append('     <node oor:name="Parameters">')
        for a in f.args:
            out.append(f'      <node oor:name="{param_name(a.name)}" oor:op="replace">')
            out.append("       " + _text("DisplayName", a.name))
            out.append("       " + _text("Description", a.doc))
            out.append("      </node>")
        out.append("     </node>")
        out.append("    </node>")
    out += ["   </node>", "  </node>", " </node>", "</oor:component-data>"]
    return "\n".join(out) + "\n"


def jobs_xcu() -> str:
    events = "".join(f'  <node oor:name="{e}" oor:op="fuse">\n'
                     '   <node oor:name="JobList">\n'
                     f'    <node oor:name="{JOB_NAME}" oor:op="replace"/>\n'
                     '   </node>\n'
                     '  </node>\n' for e in EVENTS)
    return (_xml_head()
            + '<oor:component-data xmlns:oor="http://openoffice.org/2001/registry" '
            + 'xmlns:xs="http://www.w3.org/2001/XMLSchema" oor:name="Jobs" '
            + 'oor:package="org.openoffice.Office">\n'
            + ' <node oor:name="Jobs">\n'
            + f'  <node oor:name="{JOB_NAME}" oor:op="replace">\n'
            + f'   <prop oor:name="Service"><value>{JOB}</value></prop>\n'
            + '  </node>\n'
            + ' </node>\n'
            + ' <node oor:name="Events">\n' + events + ' </node>\n'
            + '</oor:component-data>\n')


def check_type_library(functions: list[Function]) -> None:
    """The committed ``fee12b1.idl`` must declare exactly these functions."""
    if IDL_PATH.read_text(encoding="utf-8") != idl_text(functions):
        raise StaleTypeLibrary(
            "the Calc type library (addin/calc/fee12b1.idl, .rdb) does not match the functions "
            "of addin.udfs; run python -m addin.calc.idl (needs libreoffice-dev)")


def oxt_bytes(env: dict, functions: list[Function] | None = None) -> bytes:
    """The extension for the Python environment ``env`` (``environment.record``)."""
    functions = function_specs() if functions is None else functions
    check_type_library(functions)
    parts: dict[str, str | bytes] = {
        "META-INF/manifest.xml": manifest_xml(),
        "description.xml": description_xml(env["fee12b1"]),
        "fee12b1_calc.components": components_xml(),
        COMPONENT: (HERE / "component.py").read_text(encoding="utf-8"),
        ENV_MODULE: (HERE / "environment.py").read_text(encoding="utf-8"),
        XLSX_MODULE: (HERE / "xlsx_names.py").read_text(encoding="utf-8"),
        "fee12b1.rdb": RDB_PATH.read_bytes(),
        "CalcAddIns.xcu": calc_addins_xcu(functions),
        "Jobs.xcu": jobs_xcu(),
        "functions.json": json.dumps([f.as_json() for f in functions], indent=1) + "\n",
        environment.FILE_NAME: environment.dumps(env),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()


# --------------------------------------------------------------------------- command line
def cmd_calc_addin(args) -> int:
    from fee_core import __version__
    from fee_core.console import EXIT_OK
    from fee_core.errors import UsageError
    from fee_core.write.files import write_one

    out = Path(args.out)
    if out.suffix.lower() != ".oxt":
        raise UsageError(f"{out}: the extension must be an .oxt file")
    if out.is_dir():
        raise UsageError(f"{out} is a folder; give the .oxt file to write")
    if out.exists() and not args.force:
        raise UsageError(f"{out} exists; use --force to replace it")
    env = environment.record(__version__)
    try:
        data = oxt_bytes(env)
    except StaleTypeLibrary as e:
        raise UsageError(str(e)) from None
    write_one(out, data, force=args.force)
    py = env["python"]
    print(f"wrote {out}: fee12b1 {__version__} from {env['prefix']} "
          f"(Python {'.'.join(map(str, py['version']))}).\n"
          f"LibreOffice must run the same Python minor version ({py['soabi']}); install with "
          f"unopkg add --force {out} while LibreOffice is closed (docs/calc.md)")
    return EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "calc-addin", help="write the LibreOffice Calc extension with the FEE_* functions",
        description="Write fee12b1.oxt, the LibreOffice Calc extension that puts the same FEE_* "
                    "functions as the Excel add-in in Calc cells. It uses the Python environment "
                    "this command runs in; see docs/calc.md.")
    p.add_argument("--out", required=True, metavar="FILE.oxt", help="the extension file to write")
    p.add_argument("--force", action="store_true", help="replace FILE.oxt if it exists")
    p.set_defaults(func=cmd_calc_addin)
