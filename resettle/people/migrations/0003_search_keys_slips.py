# Search keys gained the one-letter-off kind (resettle.people.search.SLIP), and known parts'
# skeletons are kept apart (KNOWN_PART_SKELETON): rebuild the keys of the people already there,
# under the current index key.

from django.db import migrations


def rebuild(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    if not Person._base_manager.exists():
        return
    from resettle.core import keys
    from resettle.people import search

    search.rebuild(person_model=Person, key_model=apps.get_model("people", "PersonSearchKey"),
                   document_model=apps.get_model("people", "IdentityDocument"),
                   contact_model=apps.get_model("people", "ContactDetail"), key=keys.index_key())


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0002_search_keys"),
    ]

    operations = [
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
