"""Build a GDC replica project (files, cases, a BCR Biotab drug table) from a small cohort."""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd

from http_replica import GdcFile, Replica, star_counts

PROJECT = "TCGA-ZZ"


def uuid(kind: str, i: int) -> str:
    """A stable uuid-shaped id."""
    h = hashlib.sha256(f"{kind}{i}".encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def barcode(i: int) -> str:
    return f"TCGA-ZZ-{i:04d}"


def _star_file(
    i: int,
    sample: str,
    sample_type: str,
    genes: list[tuple[str, str]],
    values: list[float],
    project: str = PROJECT,
) -> GdcFile:
    fid = uuid(f"file{sample}", i)
    return GdcFile(
        file_id=fid,
        file_name=f"{fid[::-1][:36]}.rna_seq.augmented_star_gene_counts.tsv",
        content=star_counts(genes, values),
        data_category="Transcriptome Profiling",
        data_type="Gene Expression Quantification",
        data_format="TSV",
        workflow_type="STAR - Counts",
        cases=[
            {
                "case_id": uuid("case", i),
                "submitter_id": barcode(i),
                "project": {"project_id": project},
                "samples": [
                    {
                        "sample_id": uuid(f"sample{sample}", i),
                        "submitter_id": sample,
                        "sample_type": sample_type,
                    }
                ],
            }
        ],
    )


def gdc_replica(
    expression: pd.DataFrame,
    survival: pd.DataFrame,
    to_ensembl: dict[str, str] | None = None,
    *,
    fluorouracil: set[int] | None = None,
    project: str = PROJECT,
) -> Replica:
    """A replica GDC project: one primary-tumour STAR - Counts file per patient (columns of
    ``expression``, genes x patients, symbols mapped with ``to_ensembl`` or used as ids), plus
    a solid-tissue-normal file of patient 0 and a second tumour vial of patient 1 (both must
    be left out), ``/cases`` records from ``survival`` (patient order = column order) and a
    BCR Biotab drug table naming 5-FU for the patients in ``fluorouracil``."""
    rep = Replica()
    genes_all = list(expression.index)
    if to_ensembl is not None:
        genes_all = [g for g in genes_all if g in to_ensembl]
    genes = [((to_ensembl or {}).get(g, g) + ".1", g) for g in genes_all]
    for i, patient in enumerate(expression.columns):
        values = expression.loc[genes_all, patient].to_numpy().tolist()
        f = _star_file(i, f"{barcode(i)}-01A", "Primary Tumor", genes, values, project)
        rep.files[f.file_id] = f
        if i == 0:
            n = _star_file(i, f"{barcode(i)}-11A", "Solid Tissue Normal", genes, values, project)
            rep.files[n.file_id] = n
        if i == 1:
            b = _star_file(i, f"{barcode(i)}-01B", "Primary Tumor", genes, values, project)
            rep.files[b.file_id] = b
    surv = survival.reset_index(drop=True)
    for i, row in surv.iterrows():
        days = float(row["time_months"]) * 30.4375
        dead = int(row["event"]) == 1
        rep.cases.append(
            {
                "id": uuid("case", int(i)),
                "case_id": uuid("case", int(i)),
                "submitter_id": barcode(int(i)),
                "project": {"project_id": project},
                "demographic": {
                    "vital_status": "Dead" if dead else "Alive",
                    "days_to_death": round(days) if dead else None,
                    "age_at_index": 60 + int(i) % 20,
                    "gender": "female" if int(i) % 2 else "male",
                },
                "diagnoses": [
                    {
                        "days_to_last_follow_up": None if dead else round(days),
                        "age_at_diagnosis": (60 + int(i) % 20) * 365,
                        "ajcc_pathologic_stage": ["Stage I", "Stage II", "Stage III"][int(i) % 3],
                        "treatments": [
                            {
                                "treatment_type": "Pharmaceutical Therapy, NOS",
                                "treatment_or_therapy": "yes" if int(i) % 2 else "no",
                                "therapeutic_agents": None,
                            }
                        ],
                    }
                ],
            }
        )
    treated = fluorouracil if fluorouracil is not None else set(range(0, len(surv), 2))
    lines = [
        "bcr_patient_uuid\tbcr_patient_barcode\tbcr_drug_barcode\tpharmaceutical_therapy_drug_name"
        "\tpharmaceutical_therapy_type\ttreatment_best_response",
        "CDE_ID:\tCDE_ID:2003301\tCDE_ID:\tCDE_ID:2975232\tCDE_ID:2840\tCDE_ID:2857291",
        "bcr_patient_uuid\tbcr_patient_barcode\tbcr_drug_barcode\tpharmaceutical_therapy_drug_name"
        "\tpharmaceutical_therapy_type\ttreatment_best_response",
    ]
    for i in range(len(surv)):
        drug = "5-FU" if i in treated else "Oxaliplatin"
        lines.append(
            f"{uuid('case', i)}\t{barcode(i)}\t{barcode(i)}-D1\t{drug}\tChemotherapy"
            "\t[Not Available]"
        )
    bio = GdcFile(
        file_id=uuid("biotab", 0),
        file_name="nationwidechildrens.org_clinical_drug_zz.txt",
        content=("\n".join(lines) + "\n").encode(),
        data_category="Clinical",
        data_type="Clinical Supplement",
        data_format="BCR Biotab",
        workflow_type=None,
        cases=[{"project": {"project_id": project}}],
    )
    rep.files[bio.file_id] = bio
    return rep


def expression_hits(rep: Replica) -> list[dict[str, Any]]:
    """The replica's primary-tumour STAR files (what fetch must keep: one per case)."""
    return [
        f.hit()
        for f in rep.files.values()
        if f.workflow_type == "STAR - Counts"
        and f.cases[0]["samples"][0]["sample_type"] == "Primary Tumor"
    ]
