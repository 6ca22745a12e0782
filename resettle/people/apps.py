from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "resettle.people"
    verbose_name = "People"

    def ready(self):
        # `resettle reindex` recomputes the people's search keys along with the blind index
        # columns, under the new index key when rotating (resettle.people.search).
        from resettle.people import search
        from resettle.people.models import ContactDetail, IdentityDocument, Person, PersonSearchKey
        from resettle.security.rotation import register_derived_index

        def rebuild(**kwargs) -> int:
            return search.rebuild(person_model=Person, key_model=PersonSearchKey, document_model=IdentityDocument,
                                  contact_model=ContactDetail, **kwargs)

        register_derived_index("people.PersonSearchKey", count=Person._base_manager.count, rebuild=rebuild)
